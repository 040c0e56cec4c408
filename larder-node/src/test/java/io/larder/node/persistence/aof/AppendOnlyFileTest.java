package io.larder.node.persistence.aof;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.larder.node.persistence.aof.AofTestSupport.digest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The multi-part AOF: restart, interoperability with redis-server 7.0 both ways, torn tails, rewrites. */
class AppendOnlyFileTest {
    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        dir = Files.createTempDirectory("larder-aof");
    }

    @AfterEach
    void removeDir() throws IOException {
        AofTestSupport.deleteTree(dir);
    }

    private LarderServer larder(String... extra) throws Exception {
        String[] base = {"--appendonly", "yes", "--dir", dir.toString(), "--enable-debug-command", "yes"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        LarderServer server = LarderServer.start(all);
        long deadline = System.currentTimeMillis() + 30_000;
        while (server.node().persistence().loading() && server.node().aof().loadError() == null
                && System.currentTimeMillis() < deadline) {
            AofTestSupport.sleep(5); // the AOF loads after the node listens, as Redis answers LOADING meanwhile
        }
        return server;
    }

    /**
     * Loading the AOF at start-up, the node already answers: LOADING for commands without the loading flag,
     * INFO with Redis's loading fields; afterwards the data is there and writes are logged again.
     */
    @Test
    void commandsGetLoadingWhileTheAofLoads() throws Exception {
        try (LarderServer s = larder("--aof-use-rdb-preamble", "no"); RawClient c = new RawClient(s.port())) {
            String big = "x".repeat(1000);
            for (int i = 0; i < 20_000; i++) {
                c.call("SET", "key" + i, big);
            }
        }
        String[] options = {"--appendonly", "yes", "--dir", dir.toString(), "--enable-debug-command", "yes"};
        try (LarderServer s = LarderServer.start(options); RawClient c = new RawClient(s.port())) {
            String loadingReply = null;
            String info = null;
            while (s.node().persistence().loading()) {
                String reply = c.callText("GET", "key1");
                String persistence = c.callText("INFO", "persistence");
                if (reply.startsWith("-LOADING") && persistence.contains("loading:1")) {
                    loadingReply = reply;
                    info = persistence;
                    break;
                }
            }
            assertThat(loadingReply).as("a command while loading").isEqualTo("-LOADING Redis is loading the dataset in memory\r\n");
            assertThat(info).contains("loading_start_time:").contains("loading_total_bytes:")
                    .contains("loading_loaded_bytes:").contains("loading_loaded_perc:").contains("loading_eta_seconds:");
            long deadline = System.currentTimeMillis() + 30_000;
            while (s.node().persistence().loading() && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(5);
            }
            assertThat(c.callText("DBSIZE")).isEqualTo(":20000\r\n");
            assertThat(c.callText("INFO", "persistence")).contains("loading:0");
            c.call("SET", "after", "load");
        }
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            assertThat(c.callText("GET", "after")).isEqualTo("$4\r\nload\r\n");
        }
    }

    @Test
    void restartReplaysTheLogToTheSameDataset() throws Exception {
        for (String preamble : new String[]{"yes", "no"}) {
            AofTestSupport.deleteTree(dir.resolve("appendonlydir"));
            String before;
            try (LarderServer s = larder("--aof-use-rdb-preamble", preamble); RawClient c = new RawClient(s.port())) {
                AofTestSupport.workload(c, 1);
                c.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('one', function() return 1 end)");
                c.call("BGREWRITEAOF");
                awaitRewrite(c);
                AofTestSupport.workload(c, 4);
                before = digest(s.port());
            }
            String ext = preamble.equals("yes") ? "rdb" : "aof";
            assertThat(AofTestSupport.manifest(dir)).isEqualTo("file appendonly.aof.2.base." + ext
                    + " seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            assertThat(new String(Files.readAllBytes(dir.resolve("appendonlydir/appendonly.aof.2.base." + ext)), 0, 5,
                    StandardCharsets.US_ASCII)).isEqualTo(preamble.equals("yes") ? "REDIS" : "*3\r\n$");
            try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
                assertThat(digest(s.port())).as(preamble).isEqualTo(before);
                assertThat(AofTestSupport.keys(s.port())).isGreaterThan(50);
                assertThat(c.callText("FCALL", "one", "0")).isEqualTo(":1\r\n");
            }
        }
    }

    /**
     * The RDB-preamble base both ways: Redis 7.0 (its default) writes one that Larder loads, and loads Larder's,
     * written at RDB version 10 (7.0 refuses 11, as it refuses Redis 7.2's bases).
     */
    @Test
    void rdbPreambleBasesMoveBothWaysWithRedis70() throws Exception {
        assumeThat(RedisServerProcess.available()).isTrue();
        String larderDigest;
        System.setProperty("larder.rdb.version", "10");
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            AofTestSupport.workload(c, 5);
            c.call("BGREWRITEAOF");
            awaitRewrite(c);
            c.call("SET", "after-rewrite", "v");
            larderDigest = digest(s.port());
        } finally {
            System.clearProperty("larder.rdb.version");
        }
        assertThat(AofTestSupport.manifest(dir)).startsWith("file appendonly.aof.2.base.rdb seq 2 type b\n");
        assertRedisLoadsOurs(larderDigest);
        Path redisDir = assertWeLoadRedisAof(6);
        assertThat(AofTestSupport.manifest(redisDir)).contains(".base.rdb seq 2 type b");
        AofTestSupport.deleteTree(redisDir);
    }

    /** Redis 7.0 loads the AOF directory in {@link #dir} and has the same DEBUG DIGEST. */
    private void assertRedisLoadsOurs(String larderDigest) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start("--appendonly", "yes", "--dir", dir.toString(),
                "--enable-debug-command", "yes")) {
            assertThat(digest(redis.port())).isEqualTo(larderDigest);
        }
    }

    /**
     * Redis 7.0 runs a seeded workload with {@code redisOptions}, rewrites and writes once more; Larder loads
     * a copy of its AOF directory and has the same DEBUG DIGEST. Returns Redis's directory (the caller deletes it).
     */
    private Path assertWeLoadRedisAof(long seed, String... redisOptions) throws Exception {
        Path redisDir = Files.createTempDirectory("redis-aof");
        List<String> options = new ArrayList<>(List.of("--appendonly", "yes", "--dir", redisDir.toString(),
                "--enable-debug-command", "yes"));
        options.addAll(List.of(redisOptions));
        String redisDigest;
        try (RedisServerProcess redis = RedisServerProcess.start(options.toArray(new String[0]));
             RawClient c = new RawClient(redis.port())) {
            AofTestSupport.workload(c, seed);
            c.call("BGREWRITEAOF");
            AofTestSupport.sleep(500);
            c.call("SET", "after-rewrite", "v");
            redisDigest = digest(redis.port());
        }
        AofTestSupport.deleteTree(dir.resolve("appendonlydir"));
        AofTestSupport.copy(redisDir.resolve("appendonlydir"), dir.resolve("appendonlydir"));
        try (LarderServer s = larder()) {
            assertThat(digest(s.port())).isEqualTo(redisDigest);
        }
        return redisDir;
    }

    @Test
    void aKeyMadePersistentBeforeItsTtlPassedSurvivesTheReplay() throws Exception {
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            c.call("SET", "k", "v", "PX", "1000");
            // Not expired yet, unless the (shared) machine stalled this test for a second.
            assertThat(c.callText("PERSIST", "k")).isEqualTo(":1\r\n");
            c.call("SET", "gone", "v", "PX", "1000");
        }
        AofTestSupport.sleep(1100); // the logged PXAT times are past when the file is replayed
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            assertThat(c.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
            assertThat(c.callText("TTL", "k")).isEqualTo(":-1\r\n");
            assertThat(c.callText("EXISTS", "gone")).isEqualTo(":0\r\n");
        }
    }

    /**
     * The same across a rewrite, with both base forms: the key is in the base with its TTL, the PERSIST in the
     * incremental file. The base holds every key of the snapshot, TTL passed or not, and the replay keeps keys
     * whose TTL has passed until it is done (Redis loads a preamble with its expired keys and, while loading, a
     * past PEXPIREAT sets the TTL instead of deleting), or the PERSIST that follows would find nothing. Keys that
     * expired and were never made persistent are not live after the load, in Larder as in Redis 7.0 loading the
     * same directory.
     */
    @Test
    void aKeyInTheBaseMadePersistentBeforeItsTtlPassedSurvivesTheReplay() throws Exception {
        String expected = "$1\r\nv\r\n:-1\r\n:0\r\n:0\r\n";
        for (String preamble : new String[]{"yes", "no"}) {
            AofTestSupport.deleteTree(dir.resolve("appendonlydir"));
            System.setProperty("larder.rdb.version", "10"); // a preamble Redis 7.0 loads too
            try (LarderServer s = larder("--aof-use-rdb-preamble", preamble); RawClient c = new RawClient(s.port())) {
                c.call("SET", "k", "v", "PX", "1000");
                c.call("SET", "gone", "v", "PX", "1000");
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                c.call("SET", "expired", "v", "PX", "1");
                AofTestSupport.sleep(20); // its TTL has passed at the rewrite, but it is still in the dataset
                assertThat(c.callText("BGREWRITEAOF")).startsWith("+");
                awaitRewrite(c);
                assertThat(c.callText("PERSIST", "k")).isEqualTo(":1\r\n"); // the TTL has not passed yet
            } finally {
                System.clearProperty("larder.rdb.version");
            }
            if (preamble.equals("no")) {
                assertThat(Files.readString(dir.resolve("appendonlydir/appendonly.aof.2.base.aof")))
                        .contains("$7\r\nexpired\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$7\r\nexpired\r\n");
            }
            AofTestSupport.sleep(1100); // every TTL of the base is past when the files are replayed
            try (LarderServer s = larder()) {
                assertThat(survivors(s.port())).as("Larder, preamble " + preamble).isEqualTo(expected);
            }
            if (RedisServerProcess.available()) {
                try (RedisServerProcess redis = RedisServerProcess.start("--appendonly", "yes", "--dir",
                        dir.toString())) {
                    assertThat(survivors(redis.port())).as("Redis 7.0, preamble " + preamble).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * Once the active expiry cycle has removed the expired keys (DBSIZE counts them until then, untouched): GET k,
     * TTL k, EXISTS gone, EXISTS expired.
     */
    private static String survivors(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            long deadline = System.currentTimeMillis() + 5_000;
            while (!c.callText("DBSIZE").equals(":1\r\n") && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(20);
            }
            assertThat(c.callText("DBSIZE")).as("keys left by the active expiry cycle").isEqualTo(":1\r\n");
            return c.callText("GET", "k") + c.callText("TTL", "k") + c.callText("EXISTS", "gone")
                    + c.callText("EXISTS", "expired");
        }
    }

    @Test
    void loggedFormsAreRedisPropagatedForms() throws Exception {
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            c.call("SET", "a", "v", "EX", "100", "GET");
            c.call("EXPIRE", "a", "200", "GT");
            c.call("INCRBYFLOAT", "f", "0.5");
            c.call("SADD", "s", "only");
            c.call("SPOP", "s");
            c.call("GET", "a"); // reads are not logged
            c.call("SET", "a", "x", "NX"); // nothing changed: not logged
            c.call("DEL", "missing");
        }
        String log = Files.readString(AofTestSupport.lastIncr(dir), StandardCharsets.UTF_8).replace("\r\n", " ");
        assertThat(log).matches("\\*2 \\$6 SELECT \\$1 0 \\*5 \\$3 SET \\$1 a \\$1 v \\$4 PXAT \\$13 \\d{13} "
                + "\\*4 \\$9 PEXPIREAT \\$1 a \\$13 \\d{13} \\$2 GT \\*4 \\$3 SET \\$1 f \\$3 0.5 \\$7 KEEPTTL "
                + "\\*3 \\$4 SADD \\$1 s \\$4 only \\*3 \\$4 SREM \\$1 s \\$4 only ");
    }

    @Test
    void blockingPopsServedLaterAreLoggedAsTheirNonBlockingForm() throws Exception {
        String before;
        try (LarderServer s = larder(); RawClient waiter = new RawClient(s.port());
             RawClient pusher = new RawClient(s.port())) {
            waiter.send("BLPOP".getBytes(), "q".getBytes(), "0".getBytes());
            AofTestSupport.sleep(100);
            pusher.call("RPUSH", "q", "a", "b");
            assertThat(new String(waiter.readReply(), StandardCharsets.UTF_8)).isEqualTo("*2\r\n$1\r\nq\r\n$1\r\na\r\n");
            waiter.send("BLMOVE".getBytes(), "q2".getBytes(), "d".getBytes(), "LEFT".getBytes(), "RIGHT".getBytes(),
                    "0".getBytes());
            AofTestSupport.sleep(100);
            pusher.call("RPUSH", "q2", "x");
            assertThat(new String(waiter.readReply(), StandardCharsets.UTF_8)).isEqualTo("$1\r\nx\r\n");
            before = digest(s.port());
        }
        String log = Files.readString(AofTestSupport.lastIncr(dir), StandardCharsets.UTF_8).replace("\r\n", " ");
        assertThat(log).isEqualTo("*2 $6 SELECT $1 0 *4 $5 RPUSH $1 q $1 a $1 b *2 $4 LPOP $1 q "
                + "*3 $5 RPUSH $2 q2 $1 x *5 $5 LMOVE $2 q2 $1 d $4 LEFT $5 RIGHT ");
        try (LarderServer s = larder()) {
            assertThat(digest(s.port())).isEqualTo(before);
        }
    }

    @Test
    void redisLoadsLarderAofAndLarderLoadsRedisAof() throws Exception {
        assumeThat(RedisServerProcess.available()).isTrue();
        String larderDigest;
        try (LarderServer s = larder("--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no");
             RawClient c = new RawClient(s.port())) {
            AofTestSupport.workload(c, 2);
            larderDigest = digest(s.port());
        }
        assertRedisLoadsOurs(larderDigest);
        // The other way: Redis writes (commands, no RDB preamble), Larder reads.
        AofTestSupport.deleteTree(assertWeLoadRedisAof(3, "--aof-use-rdb-preamble", "no",
                "--aof-timestamp-enabled", "yes"));
    }

    @Test
    void tornTailIsCutWhenAllowedAndRefusedOtherwise() throws Exception {
        String before;
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            AofTestSupport.workload(c, 4);
            before = digest(s.port());
        }
        Path incr = AofTestSupport.lastIncr(dir);
        long size = Files.size(incr);
        // A transaction whose EXEC never made it, then half a command.
        Files.writeString(incr, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$2\r\nxy",
                StandardOpenOption.APPEND);
        assertThat(refusedStart("--aof-load-truncated", "no")).contains("Unexpected end of file");
        assertThat(Files.size(incr)).isGreaterThan(size);
        try (LarderServer s = larder("--aof-load-truncated", "yes"); RawClient c = new RawClient(s.port())) {
            assertThat(digest(s.port())).isEqualTo(before);
            assertThat(Files.size(incr)).isEqualTo(size);
            c.call("SET", "after-repair", "v");
            before = digest(s.port());
        }
        try (LarderServer s = larder()) {
            assertThat(digest(s.port())).isEqualTo(before);
        }
    }

    @Test
    void aTornFileBeforeTheLastIsRefused() throws Exception {
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            c.call("SET", "a", "1");
        }
        Path firstIncr = AofTestSupport.lastIncr(dir);
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            c.call("BGREWRITEAOF"); // the rewrite keeps only a new incremental file, so tear the base instead
            awaitRewrite(c);
        }
        assertThat(Files.exists(firstIncr)).isFalse();
        String[] lines = AofTestSupport.manifest(dir).split("\n");
        Path base = dir.resolve("appendonlydir").resolve(lines[0].split(" ")[1]);
        Files.writeString(base, "*2\r\n$3\r\nDEL", StandardOpenOption.APPEND);
        assertThat(refusedStart("--aof-load-truncated", "yes")).contains("Unexpected end of file");
    }

    @Test
    void rewriteWhileWritingKeepsEveryWrite() throws Exception {
        String before;
        try (LarderServer s = larder("--appendfsync", "no")) {
            Thread[] writers = new Thread[3];
            for (int t = 0; t < writers.length; t++) {
                int id = t;
                writers[t] = new Thread(() -> {
                    try (RawClient c = new RawClient(s.port())) {
                        for (int i = 0; i < 3000; i++) {
                            c.call("INCR", "counter" + (i % 50));
                            c.call("RPUSH", "list" + id, Integer.toString(i));
                            c.call("HSET", "h" + (i % 7), "f" + id, Integer.toString(i));
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                writers[t].start();
            }
            try (RawClient c = new RawClient(s.port())) {
                for (int r = 0; r < 4; r++) {
                    AofTestSupport.sleep(100);
                    c.call("BGREWRITEAOF");
                    awaitRewrite(c);
                }
                for (Thread w : writers) {
                    w.join();
                }
                assertThat(c.callText("GET", "counter0")).isEqualTo("$3\r\n180\r\n");
                assertThat(c.callText("INFO", "persistence")).contains("aof_rewrites:5");
            }
            before = digest(s.port());
        }
        assertThat(AofTestSupport.manifest(dir)).startsWith("file appendonly.aof.5.base.rdb seq 5 type b\n");
        try (LarderServer s = larder()) {
            assertThat(digest(s.port())).isEqualTo(before);
        }
    }

    @Test
    void automaticRewriteAndTurningTheAofOnAtRuntime() throws Exception {
        String before;
        try (LarderServer s = LarderServer.start("--dir", dir.toString(), "--enable-debug-command", "yes",
                "--auto-aof-rewrite-min-size", "4096", "--auto-aof-rewrite-percentage", "100",
                "--aof-use-rdb-preamble", "no");
             RawClient c = new RawClient(s.port())) {
            c.call("SET", "before", "the aof was on");
            assertThat(c.callText("CONFIG", "SET", "appendonly", "yes")).isEqualTo("+OK\r\n");
            assertThat(AofTestSupport.infoField(c, "aof_enabled")).isEqualTo(1);
            c.call("SET", "during", "the first rewrite");
            awaitRewrite(c);
            assertThat(Files.readString(dir.resolve("appendonlydir/appendonly.aof.1.base.aof")))
                    .contains("the aof was on");
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "key" + (i % 20), "value" + i);
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (AofTestSupport.infoField(c, "aof_rewrites") < 2 && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(20);
            }
            awaitRewrite(c);
            assertThat(AofTestSupport.infoField(c, "aof_rewrites")).isGreaterThanOrEqualTo(2);
            assertThat(AofTestSupport.infoField(c, "aof_enabled")).isEqualTo(1);
            before = digest(s.port());
            assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n");
            c.call("SET", "not", "logged");
        }
        try (LarderServer s = larder()) {
            assertThat(digest(s.port())).isEqualTo(before);
        }
    }

    @Test
    void streamGroupsConsumersAndPendingEntriesSurviveARewriteAndLoadInRedis() throws Exception {
        String groups;
        String pending;
        try (LarderServer s = larder("--aof-use-rdb-preamble", "no"); RawClient c = new RawClient(s.port())) {
            for (int i = 1; i <= 5; i++) {
                c.call("XADD", "st", i + "-1", "f", "v" + i);
            }
            c.call("XGROUP", "CREATE", "st", "g", "0");
            c.call("XGROUP", "CREATE", "st", "h", "$");
            c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "st", ">");
            c.call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "st", ">");
            c.call("XGROUP", "CREATECONSUMER", "st", "g", "carol");
            c.call("XACK", "st", "g", "1-1");
            c.call("BGREWRITEAOF");
            awaitRewrite(c);
            c.call("XREADGROUP", "GROUP", "h", "dave", "STREAMS", "st", ">"); // nothing new: creates dave only
            c.call("XADD", "st", "6-1", "f", "v6");
            c.call("XREADGROUP", "GROUP", "h", "dave", "STREAMS", "st", ">");
            // Claims depend on idle times: logged as what they did, they replay the same much later.
            AofTestSupport.sleep(30);
            c.call("XCLAIM", "st", "g", "erin", "20", "2-1");
            c.call("XAUTOCLAIM", "st", "h", "frank", "20", "0");
            c.call("XCLAIM", "st", "g", "gina", "3600000", "3-1"); // not idle enough: only creates gina
            c.call("XACK", "st", "g", "3-1");
            groups = c.callText("XINFO", "GROUPS", "st");
            pending = c.callText("XPENDING", "st", "g") + c.callText("XPENDING", "st", "h");
        }
        String base = Files.readString(dir.resolve("appendonlydir/appendonly.aof.2.base.aof"));
        assertThat(base).contains("CREATECONSUMER").contains("XCLAIM");
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            assertThat(c.callText("XINFO", "GROUPS", "st")).isEqualTo(groups);
            assertThat(c.callText("XPENDING", "st", "g") + c.callText("XPENDING", "st", "h")).isEqualTo(pending);
            assertThat(c.callText("XINFO", "CONSUMERS", "st", "g")).contains("carol").contains("gina");
        }
        String log = Files.readString(AofTestSupport.lastIncr(dir), StandardCharsets.UTF_8).replace("\r\n", " ");
        assertThat(log).contains("$6 XCLAIM $2 st $1 g $4 erin $1 0 $3 2-1 $4 TIME")
                .contains("$6 XGROUP $14 CREATECONSUMER $2 st $1 g $4 gina").contains("$4 XACK $2 st $1 g $3 3-1");
        assumeThat(RedisServerProcess.available()).isTrue();
        try (RedisServerProcess redis = RedisServerProcess.start("--appendonly", "yes", "--dir", dir.toString());
             RawClient c = new RawClient(redis.port())) {
            assertThat(c.callText("XPENDING", "st", "g") + c.callText("XPENDING", "st", "h")).isEqualTo(pending);
            assertThat(c.callText("XINFO", "CONSUMERS", "st", "g")).contains("carol");
        }
    }

    @Test
    void aFailingDiskRefusesWritesWithMisconfUntilTheAofIsTurnedOff() throws Exception {
        assumeThat(Path.of("/dev/full")).exists();
        try (LarderServer s = larder(); RawClient c = new RawClient(s.port())) {
            c.call("SET", "a", "1");
            // The next incremental file is /dev/full: every write to it fails with ENOSPC.
            Files.createSymbolicLink(dir.resolve("appendonlydir/appendonly.aof.2.incr.aof"), Path.of("/dev/full"));
            c.call("BGREWRITEAOF");
            awaitRewrite(c);
            c.call("SET", "b", "2"); // accepted before the write fails
            long deadline = System.currentTimeMillis() + 5000;
            while (!c.callText("INFO", "persistence").contains("aof_last_write_status:err")
                    && System.currentTimeMillis() < deadline) {
                AofTestSupport.sleep(10);
            }
            assertThat(c.callText("SET", "c", "3"))
                    .isEqualTo("-MISCONF Errors writing to the AOF file: No space left on device\r\n");
            assertThat(c.callText("GET", "a")).isEqualTo("$1\r\n1\r\n");
            assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n");
            assertThat(c.callText("SET", "c", "3")).isEqualTo("+OK\r\n");
        }
    }

    /**
     * Starts a node on an AOF it cannot load: it answers LOADING until the load fails, then closes its listeners
     * (Redis exits); returns the reason.
     */
    private String refusedStart(String... extra) throws Exception {
        try (LarderServer s = larder(extra)) {
            assertThat(s.node().persistence().loading()).as("still loading: the node must not serve a partial load")
                    .isTrue();
            try (RawClient c = new RawClient(s.port())) {
                assertThat(c.callText("GET", "a")).startsWith("-LOADING");
            } catch (IOException closed) {
                // the listeners are already closed
            }
            return s.node().aof().loadError();
        }
    }

    /**
     * A rewrite stops writes only while it switches to a new incremental file and takes the snapshot point:
     * the base (an RDB, or commands made from an RDB image) is written afterwards, while writes continue. Both
     * forms are measured on 300,000 keys under a write load: the time the stripes were held (server side) must
     * be a small part of the rewrite, and the slowest write a client saw meanwhile is printed.
     */
    @Test
    void aRewriteHoldsTheStripesOnlyForTheFileSwitch() throws Exception {
        for (int form = 0; form < 2; form++) {
            AofTestSupport.deleteTree(dir.resolve("appendonlydir"));
            String preamble = form == 0 ? "yes" : "no";
            try (LarderServer s = larder("--aof-use-rdb-preamble", preamble, "--appendfsync", "everysec");
                 redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", s.port())) {
                redis.clients.jedis.Pipeline p = j.pipelined();
                for (int i = 0; i < 300_000; i++) {
                    p.set("key:" + i, "value-" + i);
                }
                p.sync();
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
                Thread writer = new Thread(() -> {
                    try (RawClient c = new RawClient(s.port())) {
                        for (int i = 0; !stop.get(); i++) {
                            long t0 = System.nanoTime();
                            c.call("SET", "key:" + (i % 300_000), "new-" + i);
                            slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                AofTestSupport.sleep(200);
                slowest.set(0);
                AofTestSupport.sleep(1000);
                long baseline = slowest.getAndSet(0); // the slowest write of a second without a rewrite
                long start = System.nanoTime();
                j.bgrewriteaof();
                try (RawClient c = new RawClient(s.port())) {
                    awaitRewrite(c);
                }
                long rewriteMicros = (System.nanoTime() - start) / 1000;
                stop.set(true);
                writer.join();
                long held = s.node().aof().lastRewritePauseMicros();
                System.out.printf("rewrite of 300000 keys, aof-use-rdb-preamble %s: %.1f ms, stripes held %.1f ms,"
                        + " slowest write during the rewrite %.1f ms (in a second without one: %.1f ms)%n",
                        preamble, rewriteMicros / 1000.0, held / 1000.0, slowest.get() / 1e6, baseline / 1e6);
                assertThat(s.node().aof().rewrites()).isEqualTo(2);
                assertThat(held).as("stripes held (us) in a rewrite of %d us", rewriteMicros).isPositive()
                        .isLessThan(rewriteMicros / 20);
                // the writer's keys were captured ahead of the snapshot's writer: the rewrite's extra memory
                assertThat(j.info("persistence")).containsPattern("aof_last_cow_size:[1-9]");
            }
        }
    }

    private static void awaitRewrite(RawClient c) throws IOException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (c.callText("INFO", "persistence").contains("aof_rewrite_in_progress:1")
                && System.currentTimeMillis() < deadline) {
            AofTestSupport.sleep(10);
        }
    }
}
