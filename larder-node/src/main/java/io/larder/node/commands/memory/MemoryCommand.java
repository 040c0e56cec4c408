package io.larder.node.commands.memory;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.memory.Footprint;
import io.larder.engine.util.DoubleFormat;
import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.memory.Memory;
import io.larder.node.server.Client;
import io.larder.node.server.Node;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP. */
public final class MemoryCommand {
    /** MEMORY USAGE's default number of sampled elements, as Redis's. */
    private static final int DEFAULT_SAMPLES = 5;
    /** A key's share of its table: a meta long and two references per cell at an average load of 0.56. */
    private static final long TABLE_SHARE_PER_KEY = 29;
    /** Below this, MEMORY DOCTOR declines to judge (Redis's threshold). */
    private static final long DOCTOR_MIN_BYTES = 5L * 1024 * 1024;
    private static final String DOCTOR_EMPTY = "Hi Sam, this instance is empty or is using very little memory, my "
            + "issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill "
            + "it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
    private static final String DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only "
            + "account for what occurs on this base.\n";
    private static final String[] HELP = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };

    private MemoryCommand() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("memory", -2).acl("slow").group("server").since("4.0.0")
                .summary("A container for memory diagnostics commands")
                .subcommand(diagnostic("doctor", "Outputs a memory problems report")
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .handler(MemoryCommand::doctor))
                .subcommand(diagnostic("malloc-stats", "Returns the allocator statistics")
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .handler(MemoryCommand::mallocStats))
                .subcommand(diagnostic("purge", "Asks the allocator to release memory")
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .handler(MemoryCommand::purge))
                .subcommand(diagnostic("stats", "Returns details about memory usage")
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .handler(MemoryCommand::stats))
                .subcommand(CommandSpec.builder("usage", -3).flags("readonly").keys(2, 2, 1).acl("read slow")
                        .keySpecs(KeySpec.range("RO", 2, 0, 1, 0)).group("server").since("4.0.0")
                        .complexity("O(N) where N is the number of samples.")
                        .summary("Estimates the memory usage of a key").handler(MemoryCommand::usage))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow").group("server")
                        .since("4.0.0").complexity("O(1)").summary("Returns helpful text about the different subcommands")
                        .handler(MemoryCommand::help))
                .build());
    }

    private static CommandSpec.Builder diagnostic(String name, String summary) {
        return CommandSpec.builder(name, 2).acl("slow").group("server").since("4.0.0").summary(summary);
    }

    /** MEMORY USAGE's options: how many elements of a collection to sample (0: all). */
    private record UsageOptions(int samples) {
        /** Null after replying with the error. */
        static UsageOptions parse(Client c, byte[][] args) {
            long samples = DEFAULT_SAMPLES;
            for (int i = 3; i < args.length; i++) {
                String opt = new String(args[i], StandardCharsets.UTF_8);
                if (!opt.equalsIgnoreCase("samples") || i + 1 >= args.length) {
                    c.error(Errors.SYNTAX);
                    return null;
                }
                try {
                    samples = Numbers.parseLong(args[++i]);
                } catch (Numbers.NotANumber e) {
                    c.error(Errors.NOT_INTEGER);
                    return null;
                }
                if (samples < 0) {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new UsageOptions((int) Math.min(samples, Integer.MAX_VALUE));
        }
    }

    private static void usage(Client c, byte[][] args) {
        UsageOptions options = UsageOptions.parse(c, args);
        if (options == null) {
            return;
        }
        Object value = c.db().get(args[2], false);
        if (value == null) {
            c.reply().nullBulk();
            return;
        }
        long bytes = Footprint.byteArray(args[2].length) + TABLE_SHARE_PER_KEY
                + Footprint.of(value, options.samples(), ThreadLocalRandom.current());
        c.reply().integer(bytes);
    }

    private static void doctor(Client c, byte[][] args) {
        long used = c.node().memory().used();
        c.reply().verbatim("txt", used < DOCTOR_MIN_BYTES ? DOCTOR_EMPTY : DOCTOR_FINE);
    }

    private static void mallocStats(Client c, byte[][] args) {
        c.reply().verbatim("txt", "Stats not supported for the current allocator");
    }

    /** The JVM returns free heap to the system on its own; like Redis without jemalloc, PURGE just succeeds. */
    private static void purge(Client c, byte[][] args) {
        c.reply().ok();
    }

    private static void stats(Client c, byte[][] args) {
        Node node = c.node();
        Memory memory = node.memory();
        Keyspace keyspace = node.keyspace();
        long used = memory.used();
        long peak = memory.peak();
        long startup = memory.startup();
        long clients = memory.clients();
        long replication = memory.replication();
        long replicationBacklog = node.replication().backlogMemory(replication);
        long overhead = startup + clients + replication;
        long dataset = Math.max(0, used - overhead);
        long keys = 0;
        int dbsWithKeys = 0;
        for (int d = 0; d < keyspace.databaseCount(); d++) {
            long n = keyspace.db(d).size();
            keys += n;
            if (n > 0) {
                dbsWithKeys++;
            }
        }
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long heapCommitted = rt.totalMemory();
        long rss = Memory.residentBytes();
        ReplyWriter r = c.reply();
        r.map(27 + dbsWithKeys);
        field(r, "peak.allocated", peak);
        field(r, "total.allocated", used);
        field(r, "startup.allocated", startup);
        field(r, "replication.backlog", replicationBacklog);
        field(r, "clients.slaves", replication - replicationBacklog);
        field(r, "clients.normal", clients);
        field(r, "cluster.links", 0);
        field(r, "aof.buffer", 0);
        field(r, "lua.caches", 0);
        field(r, "functions.caches", 0);
        for (int d = 0; d < keyspace.databaseCount(); d++) {
            Db db = keyspace.db(d);
            long n = db.size();
            if (n == 0) {
                continue;
            }
            r.bulk(("db." + d).getBytes(StandardCharsets.US_ASCII));
            r.map(3);
            field(r, "overhead.hashtable.main", n * TABLE_SHARE_PER_KEY);
            field(r, "overhead.hashtable.expires", volatileKeys(db) * 8 * 16 / 9);
            field(r, "overhead.hashtable.slot-to-keys", 0); // Redis 7.0 reports it; non-zero only in a cluster
        }
        field(r, "overhead.total", overhead);
        field(r, "keys.count", keys);
        field(r, "keys.bytes-per-key", keys == 0 ? 0 : (used - startup) / keys);
        field(r, "dataset.bytes", dataset);
        ratio(r, "dataset.percentage", 100.0 * dataset / Math.max(1, used - startup));
        ratio(r, "peak.percentage", 100.0 * used / Math.max(1, peak));
        field(r, "allocator.allocated", heapUsed);
        field(r, "allocator.active", heapCommitted);
        field(r, "allocator.resident", rss);
        ratio(r, "allocator-fragmentation.ratio", (double) heapCommitted / Math.max(1, heapUsed));
        field(r, "allocator-fragmentation.bytes", heapCommitted - heapUsed);
        ratio(r, "allocator-rss.ratio", (double) rss / Math.max(1, heapCommitted));
        field(r, "allocator-rss.bytes", rss - heapCommitted);
        ratio(r, "rss-overhead.ratio", 1);
        field(r, "rss-overhead.bytes", 0);
        ratio(r, "fragmentation", (double) rss / Math.max(1, used));
        field(r, "fragmentation.bytes", rss - used);
    }

    /** Keys with a TTL, from each slot table's count (read without locks: a statistic). */
    private static long volatileKeys(Db db) {
        long n = 0;
        for (int slot = 0; slot < HashSlot.COUNT; slot++) {
            Dict dict = db.slot(slot);
            if (dict != null) {
                n += dict.volatileCount();
            }
        }
        return n;
    }

    private static void field(ReplyWriter r, String name, long value) {
        r.bulk(name.getBytes(StandardCharsets.US_ASCII));
        r.integer(value);
    }

    private static void ratio(ReplyWriter r, String name, double value) {
        r.bulk(name.getBytes(StandardCharsets.US_ASCII));
        r.doubleValue(DoubleFormat.reply((float) value)); // Redis keeps these ratios as floats
    }

    private static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }
}
