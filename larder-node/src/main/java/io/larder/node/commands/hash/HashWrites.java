package io.larder.node.commands.hash;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.hash.HashValue;
import io.larder.engine.keyspace.Db;
import io.larder.engine.util.LongDouble;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.commands.collection.Removals;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.nio.charset.StandardCharsets;

/** The writing hash commands: HSET, HMSET, HSETNX, HDEL, HINCRBY and HINCRBYFLOAT. */
final class HashWrites {
    private HashWrites() {
    }

    static void hset(Client c, byte[][] args) {
        Integer added = setPairs(c, args, "hset");
        if (added != null) {
            c.reply().integer(added);
        }
    }

    static void hmset(Client c, byte[][] args) {
        if (setPairs(c, args, "hmset") != null) {
            c.reply().ok();
        }
    }

    /** Sets the field/value pairs from position 2; the number of new fields, or null after an error reply. */
    private static Integer setPairs(Client c, byte[][] args, String name) {
        if (args.length % 2 == 1) {
            c.error("ERR wrong number of arguments for '" + name + "' command");
            return null;
        }
        Db db = c.db();
        HashValue existing = Lookups.writeOrMissing(c, args[1], HashValue.class, HashReads.WRONG_TYPE);
        if (existing == HashReads.WRONG_TYPE) {
            return null;
        }
        HashValue hash = existing == null ? new HashValue() : existing;
        HashLimits limits = limits(c);
        int added = 0;
        for (int i = 2; i < args.length; i += 2) {
            if (hash.put(args[i], args[i + 1], limits)) {
                added++;
            }
        }
        if (existing == null) {
            db.put(args[1], hash);
        }
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.HASH, "hset", args[1]);
        return added;
    }

    static void hsetnx(Client c, byte[][] args) {
        Db db = c.db();
        HashValue existing = Lookups.writeOrMissing(c, args[1], HashValue.class, HashReads.WRONG_TYPE);
        if (existing == HashReads.WRONG_TYPE) {
            return;
        }
        if (existing != null && existing.contains(args[2])) {
            c.reply().integer(0);
            return;
        }
        HashValue hash = existing == null ? new HashValue() : existing;
        hash.put(args[2], args[3], limits(c));
        if (existing == null) {
            db.put(args[1], hash);
        }
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.HASH, "hset", args[1]);
        c.reply().integer(1);
    }

    static void hdel(Client c, byte[][] args) {
        HashValue hash = Lookups.write(c, args[1], HashValue.class, cl -> cl.reply().integer(0));
        if (hash == null) {
            return;
        }
        Removals.members(c, args, KeyspaceEvents.HASH, "hdel", hash::remove, hash::size);
    }

    static void hincrby(Client c, byte[][] args) {
        Long increment = Args.parseLong(c, args[3]);
        if (increment == null) {
            return;
        }
        Db db = c.db();
        HashValue existing = Lookups.writeOrMissing(c, args[1], HashValue.class, HashReads.WRONG_TYPE);
        if (existing == HashReads.WRONG_TYPE) {
            return;
        }
        byte[] current = existing == null ? null : existing.get(args[2]);
        long base = 0;
        if (current != null) {
            try {
                base = Numbers.parseLong(current);
            } catch (Numbers.NotANumber e) {
                c.error("ERR hash value is not an integer");
                return;
            }
        }
        long sum = base + increment;
        if (((base ^ sum) & (increment ^ sum)) < 0) {
            c.error(Errors.OVERFLOW);
            return;
        }
        store(c, db, args, existing, Numbers.toBytes(sum), "hincrby");
        c.reply().integer(sum);
    }

    /** HINCRBYFLOAT in long double arithmetic, like INCRBYFLOAT; the increment is checked before the key. */
    static void hincrbyfloat(Client c, byte[][] args) {
        try {
            LongDouble.add(null, 0, args[3]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_FLOAT);
            return;
        } catch (LongDouble.NotFinite e) {
            c.error("ERR value is NaN or Infinity");
            return;
        }
        Db db = c.db();
        HashValue existing = Lookups.writeOrMissing(c, args[1], HashValue.class, HashReads.WRONG_TYPE);
        if (existing == HashReads.WRONG_TYPE) {
            return;
        }
        byte[] current = existing == null ? null : existing.get(args[2]);
        String sum;
        try {
            sum = LongDouble.add(current, current == null ? 0 : current.length, args[3]);
        } catch (Numbers.NotANumber e) {
            c.error("ERR hash value is not a float");
            return;
        } catch (LongDouble.NotFinite e) {
            c.error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = sum.getBytes(StandardCharsets.US_ASCII);
        store(c, db, args, existing, text, "hincrbyfloat");
        c.reply().bulk(text);
    }

    /**
     * Stores {@code result} in field args[2] of the hash at args[1], creating the hash when missing, and reports
     * {@code event}.
     */
    private static void store(Client c, Db db, byte[][] args, HashValue existing, byte[] result, String event) {
        HashValue hash = existing == null ? new HashValue() : existing;
        hash.put(args[2], result, limits(c));
        if (existing == null) {
            db.put(args[1], hash);
        }
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.HASH, event, args[1]);
    }

    static HashLimits limits(Client c) {
        ServerConfig config = c.node().config();
        return new HashLimits(config.hashMaxListpackEntries.asLong(), config.hashMaxListpackValue.asLong());
    }
}
