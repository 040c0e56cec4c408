package io.larder.node.commands;

import io.larder.engine.keyspace.Db;
import io.larder.node.server.Client;

/** Key lookups shared by the command families. */
public final class Lookups {
    private Lookups() {
    }

    /** A read lookup (Redis's lookupKeyRead): counts a keyspace hit or miss. */
    public static Object read(Client c, Db db, byte[] key) {
        Object value = db.get(key);
        if (value == null) {
            c.node().stats().keyspaceMisses.increment();
        } else {
            c.node().stats().keyspaceHits.increment();
        }
        return value;
    }
}
