package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.string.StringValues;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

/** Lookups and replies shared by the string commands. */
final class StringReads {
    private StringReads() {
    }

    /** A read lookup (Redis's lookupKeyRead): counts a keyspace hit or miss. */
    static Object lookupRead(Client c, Db db, byte[] key) {
        return Lookups.read(c, db, key);
    }

    /** Replies with a string value of either representation. */
    static void bulk(ReplyWriter reply, Object value) {
        if (value instanceof byte[] bytes) {
            reply.bulk(bytes);
        } else {
            reply.bulk(StringValues.array(value), 0, StringValues.length(value));
        }
    }

    /**
     * Redis's getGenericCommand: replies with the value (null when missing) and returns true, or replies
     * WRONGTYPE and returns false.
     */
    static boolean replyCurrent(Client c, Db db, byte[] key) {
        Object value = lookupRead(c, db, key);
        if (value == null) {
            c.reply().nullBulk();
        } else if (StringValues.isString(value)) {
            bulk(c.reply(), value);
        } else {
            c.error(io.larder.node.commands.Errors.WRONGTYPE);
            return false;
        }
        return true;
    }
}
