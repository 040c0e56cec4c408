package io.larder.node.commands.persistence;

import io.larder.engine.keyspace.Db;
import io.larder.engine.rdb.DumpPayload;
import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.nio.charset.StandardCharsets;

/**
 * DUMP and RESTORE with Redis's payload format ({@link DumpPayload}): values move between Larder and Redis
 * nodes in both directions.
 */
final class DumpRestore {
    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;

    private DumpRestore() {
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("dump", 2).flags("readonly").keys(1, 1, 1).acl("keyspace read slow")
                .tips("nondeterministic_output").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0))
                .group("generic").since("2.6.0").complexity("O(1) to access the key and additional O(N*M) to "
                        + "serialize it, where N is the number of Redis objects composing the value and M their "
                        + "average size. For small string values the time complexity is thus O(1)+O(1*M) where M is "
                        + "small, so simply O(1).")
                .summary("Serializes a value in Redis's RDB encoding").handler(DumpRestore::dump).build());
        table.register(CommandSpec.builder("restore", -4).flags("write denyoom").keys(1, 1, 1)
                .acl("keyspace write slow dangerous").keySpecs(KeySpec.range("OW update", 1, 0, 1, 0))
                .group("generic").since("2.6.0").complexity("O(1) to create the new key and additional O(N*M) to "
                        + "reconstruct the serialized value, where N is the number of Redis objects composing the "
                        + "value and M their average size. For small string values the time complexity is thus "
                        + "O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the "
                        + "complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
                .summary("Creates a key from a DUMP payload").handler(DumpRestore::restore).build());
    }

    private static void dump(Client c, byte[][] args) {
        Object value = c.db().get(args[1]);
        if (value == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(DumpPayload.dump(value, c.node().config().find("rdbcompression").asBool()));
    }

    /** RESTORE's options after the payload; null after replying with the error. */
    record Options(boolean replace, boolean absTtl, long idleSeconds, long frequency) {
        static Options parse(Client c, byte[][] args) {
            boolean replace = false;
            boolean absTtl = false;
            long idle = -1;
            long freq = -1;
            for (int i = 4; i < args.length; i++) {
                String option = new String(args[i], StandardCharsets.ISO_8859_1);
                boolean hasArg = i + 1 < args.length;
                if (option.equalsIgnoreCase("replace")) {
                    replace = true;
                } else if (option.equalsIgnoreCase("absttl")) {
                    absTtl = true;
                } else if (option.equalsIgnoreCase("idletime") && hasArg && freq == -1) {
                    Long n = integer(c, args[++i]);
                    if (n == null) {
                        return null;
                    }
                    idle = n;
                    if (idle < 0) {
                        c.error("ERR Invalid IDLETIME value, must be >= 0");
                        return null;
                    }
                } else if (option.equalsIgnoreCase("freq") && hasArg && idle == -1) {
                    Long n = integer(c, args[++i]);
                    if (n == null) {
                        return null;
                    }
                    freq = n;
                    if (freq < 0 || freq > 255) {
                        c.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                        return null;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new Options(replace, absTtl, idle, freq);
        }
    }

    /** The integer, or null after replying with Redis's error. */
    private static Long integer(Client c, byte[] arg) {
        try {
            return Numbers.parseLong(arg);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
    }

    private static void restore(Client c, byte[][] args) {
        Options options = Options.parse(c, args);
        if (options == null) {
            return;
        }
        Db db = c.db();
        byte[] key = args[1];
        if (!options.replace() && db.exists(key)) {
            c.error("BUSYKEY Target key name already exists.");
            return;
        }
        Long ttl = integer(c, args[2]);
        if (ttl == null) {
            return;
        }
        if (ttl < 0) {
            c.error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = args[3];
        if (!DumpPayload.verify(payload, true)) {
            c.error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        Object value = DumpPayload.restore(payload, c.node().persistence().limits());
        if (value == null) {
            c.error("ERR Bad data format");
            return;
        }
        boolean deleted = options.replace() && db.delete(key);
        long now = db.keyspace().clock().millis();
        long expireAt = ttl != 0 && !options.absTtl() ? ttl + now : ttl;
        if (expireAt != 0 && db.keyspace().deletesAtOnce(expireAt, now)) {
            if (deleted) {
                db.signalModified(key);
                c.notify(KeyspaceEvents.GENERIC, "del", key);
            }
            c.reply().ok();
            return;
        }
        db.put(key, value, expireAt, false);
        if (options.idleSeconds() >= 0 && !lfuPolicy(c)) {
            int lruNow = db.keyspace().lruClock();
            long at = lruNow - options.idleSeconds();
            if (at < 0) {
                at = (lruNow + LRU_CLOCK_MAX / 2) % LRU_CLOCK_MAX; // Redis's fallback for idle times past the clock
            }
            db.setAccessClock(key, (int) at);
        }
        // FREQ is accepted and checked, but access frequencies are not tracked until LFU eviction exists.
        db.signalModified(key);
        c.notify(KeyspaceEvents.GENERIC, "restore", key);
        c.node().blocked().signal(c.dbIndex(), key);
        c.reply().ok();
    }

    private static boolean lfuPolicy(Client c) {
        return c.node().config().find("maxmemory-policy").text().endsWith("-lfu");
    }
}
