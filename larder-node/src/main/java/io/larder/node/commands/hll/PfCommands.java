package io.larder.node.commands.hll;

import io.larder.engine.hll.HyperLogLog;
import io.larder.engine.keyspace.Db;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** PFADD, PFCOUNT and PFMERGE. */
final class PfCommands {
    private PfCommands() {
    }

    static void pfadd(Client c, byte[][] args) {
        Db db = c.db();
        byte[] key = args[1];
        Object current = db.get(key);
        MutableString hll;
        boolean updated = false;
        if (current == null) {
            // A fresh HLL is a "raw" string, as Redis creates it with createObject.
            hll = MutableString.copyOf(HyperLogLog.create(), HyperLogLog.HEADER_SIZE + 2, 0);
            db.put(key, hll);
            updated = true;
        } else {
            if (!HllValues.check(c, current)) {
                return;
            }
            hll = StringValues.modifiable(db, key, current, 0);
        }
        int sparseMax = HllValues.sparseMaxBytes(c);
        for (int i = 2; i < args.length; i++) {
            int result = HyperLogLog.add(hll, args[i], sparseMax);
            if (result < 0) {
                c.error(HllValues.CORRUPT);
                return;
            }
            updated |= result == 1;
        }
        if (updated) {
            HyperLogLog.invalidateCache(hll.array());
            db.signalModified(key);
            c.notify(KeyspaceEvents.STRING, "pfadd", key);
        }
        c.reply().integer(updated ? 1 : 0);
    }

    /** One key: the cached cardinality, recomputed and stored when stale. Several: the union's, not cached. */
    static void pfcount(Client c, byte[][] args) {
        Db db = c.db();
        if (args.length > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int i = 1; i < args.length; i++) {
                if (!mergeInto(c, Lookups.read(c, db, args[i]), max)) {
                    return;
                }
            }
            c.reply().integer(HyperLogLog.countRaw(max));
            return;
        }
        Object current = Lookups.read(c, db, args[1]);
        if (current == null) {
            c.reply().integer(0);
            return;
        }
        if (!HllValues.check(c, current)) {
            return;
        }
        MutableString hll = StringValues.modifiable(db, args[1], current, 0);
        long card = HyperLogLog.cachedCardinality(hll.array());
        if (card < 0) {
            card = HyperLogLog.count(hll.array(), hll.length());
            if (card < 0) {
                c.error(HllValues.CORRUPT);
                return;
            }
            HyperLogLog.cacheCardinality(hll.array(), card);
            // Storing the cardinality changes the string: Redis signals it although PFCOUNT is a read command.
            db.signalModified(args[1]);
        }
        c.reply().integer(card);
    }

    /** PFMERGE dest src...: the destination is a source too; it turns dense when any source is dense. */
    static void pfmerge(Client c, byte[][] args) {
        Db db = c.db();
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean dense = false;
        for (int i = 1; i < args.length; i++) {
            Object value = Lookups.read(c, db, args[i]);
            if (!mergeInto(c, value, max)) {
                return;
            }
            dense |= value != null && !HyperLogLog.isSparse(StringValues.array(value));
        }
        byte[] key = args[1];
        Object current = db.get(key);
        MutableString hll;
        if (current == null) {
            hll = MutableString.copyOf(HyperLogLog.create(), HyperLogLog.HEADER_SIZE + 2, 0);
            db.put(key, hll);
        } else {
            hll = StringValues.modifiable(db, key, current, 0);
        }
        if (dense && !HyperLogLog.toDense(hll)) {
            c.error(HllValues.CORRUPT);
            return;
        }
        int sparseMax = HllValues.sparseMaxBytes(c);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] != 0) {
                HyperLogLog.set(hll, j, max[j], sparseMax);
            }
        }
        HyperLogLog.invalidateCache(hll.array());
        db.signalModified(key);
        c.notify(KeyspaceEvents.STRING, "pfadd", key);
        c.reply().ok();
    }

    /** Raises {@code max}'s registers to those of an HLL value (none for a missing key); false after an error. */
    private static boolean mergeInto(Client c, Object value, byte[] max) {
        if (value == null) {
            return true;
        }
        if (!HllValues.check(c, value)) {
            return false;
        }
        if (!HyperLogLog.mergeInto(max, StringValues.array(value), StringValues.length(value))) {
            c.error(HllValues.CORRUPT);
            return false;
        }
        return true;
    }
}
