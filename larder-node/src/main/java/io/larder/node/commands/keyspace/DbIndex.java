package io.larder.node.commands.keyspace;

import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

/** Parses a database index argument (MOVE, COPY ... DB) with Redis's errors. */
final class DbIndex {
    static final int INVALID = -1;

    private DbIndex() {
    }

    /** The index, or {@link #INVALID} after replying with the error Redis gives. */
    static int parse(Client c, byte[] arg) {
        long n;
        try {
            n = Numbers.parseLong(arg);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return INVALID;
        }
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            c.error("ERR value is out of range, value must between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
            return INVALID;
        }
        if (n < 0 || n >= c.node().keyspace().databaseCount()) {
            c.error(Errors.DB_INDEX_OUT_OF_RANGE);
            return INVALID;
        }
        return (int) n;
    }
}
