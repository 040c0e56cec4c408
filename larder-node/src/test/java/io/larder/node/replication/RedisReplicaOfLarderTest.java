package io.larder.node.replication;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real redis-server 7.0 as the replica of a Larder primary: it must end with the same data (DEBUG DIGEST, which
 * Larder computes as Redis does) after a full sync under load, after a partial resync, and after a full resync
 * forced by an overrun backlog; WAIT and min-replicas-to-write must count it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisReplicaOfLarderTest {
    private LarderServer primary;
    private RedisServerProcess replica;
    private RawClient writer;
    private final Random rnd = new Random(42);

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        primary = LarderServer.start("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0");
        writer = new RawClient(primary.port());
        load(3000); // a dataset before the replica comes: the full sync carries it
    }

    @AfterAll
    void stop() throws IOException {
        if (writer != null) {
            writer.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    @Order(1)
    void aRedisReplicaConvergesAfterAFullSyncUnderLoad() throws Exception {
        replica = RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()),
                "--enable-debug-command", "yes");
        load(3000); // during the sync and after it
        awaitConverged();
        assertThat(stat("sync_full")).isEqualTo(1);

        String info = text(writer.callText("INFO", "replication"));
        assertThat(field(info, "role")).isEqualTo("master");
        assertThat(field(info, "connected_slaves")).isEqualTo("1");
        assertThat(field(info, "slave0")).matches(
                "ip=127\\.0\\.0\\.1,port=" + replica.port() + ",state=online,offset=\\d+,lag=\\d+");
        assertThat(field(info, "repl_backlog_active")).isEqualTo("1");
        assertThat(field(info, "repl_backlog_first_byte_offset")).isEqualTo("1");
        long offset = Long.parseLong(field(info, "master_repl_offset"));
        assertThat(offset).isPositive();
        try (RawClient r = new RawClient(replica.port())) {
            String replicaInfo = text(r.callText("INFO", "replication"));
            assertThat(field(replicaInfo, "master_link_status")).isEqualTo("up");
            assertThat(field(replicaInfo, "master_replid")).isEqualTo(field(info, "master_replid"));
        }
        String role = writer.callText("ROLE");
        assertThat(role).startsWith("*3\r\n$6\r\nmaster\r\n:").contains("$9\r\n127.0.0.1\r\n$" 
                + Integer.toString(replica.port()).length() + "\r\n" + replica.port() + "\r\n");
    }

    @Test
    @Order(2)
    void aKilledReplicaLinkResumesWithAPartialResync() throws Exception {
        long full = stat("sync_full");
        long partial = stat("sync_partial_ok");
        assertThat(writer.callText("CLIENT", "KILL", "TYPE", "replica")).isEqualTo(":1\r\n");
        load(2000);
        awaitConverged();
        assertThat(stat("sync_partial_ok")).isEqualTo(partial + 1);
        assertThat(stat("sync_full")).isEqualTo(full);
    }

    @Test
    @Order(3)
    void aReplicaBehindTheBacklogGetsAFullResyncFromADiskPayload() throws Exception {
        assertThat(writer.callText("CONFIG", "SET", "repl-backlog-size", "16kb")).isEqualTo("+OK\r\n");
        assertThat(writer.callText("CONFIG", "SET", "repl-diskless-sync", "no")).isEqualTo("+OK\r\n");
        long full = stat("sync_full");
        long partialErrors = stat("sync_partial_err");
        try (RawClient r = new RawClient(replica.port())) {
            r.send("DEBUG".getBytes(), "SLEEP".getBytes(), "2".getBytes()); // it cannot reconnect meanwhile
            Thread.sleep(200);
            assertThat(writer.callText("CLIENT", "KILL", "TYPE", "replica")).isEqualTo(":1\r\n");
            long before = offset();
            while (offset() - before < 64 * 1024) {
                load(500);
            }
            assertThat(r.readReply()).isEqualTo("+OK\r\n".getBytes());
        }
        awaitConverged();
        assertThat(stat("sync_full")).isEqualTo(full + 1);
        assertThat(stat("sync_partial_err")).isEqualTo(partialErrors + 1);
    }

    @Test
    @Order(4)
    void waitCountsTheReplicaAndMinReplicasRefusesWrites() throws Exception {
        assertThat(writer.callText("SET", "w", "1")).isEqualTo("+OK\r\n");
        assertThat(writer.callText("WAIT", "1", "0")).isEqualTo(":1\r\n");
        long start = System.nanoTime();
        assertThat(writer.callText("WAIT", "2", "300")).isEqualTo(":1\r\n");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);

        assertThat(writer.callText("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("+OK\r\n");
        assertThat(writer.callText("SET", "w", "2")).isEqualTo("+OK\r\n");
        assertThat(writer.callText("CONFIG", "SET", "min-replicas-to-write", "2")).isEqualTo("+OK\r\n");
        assertThat(writer.callText("SET", "w", "3")).isEqualTo("-NOREPLICAS Not enough good replicas to write.\r\n");
        assertThat(writer.callText("GET", "w")).isEqualTo("$1\r\n2\r\n");
        assertThat(text(writer.callText("INFO", "replication"))).contains("min_slaves_good_slaves:1\r\n");
        assertThat(writer.callText("CONFIG", "SET", "min-replicas-to-write", "0")).isEqualTo("+OK\r\n");
        awaitConverged();
    }

    /** A pipelined, seeded mix of writes of every RDB-encodable type, transactions, scripts, TTLs, two DBs. */
    private void load(int commands) throws IOException {
        List<String[]> batch = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            int k = rnd.nextInt(400);
            int v = rnd.nextInt(1000);
            batch.add(switch (rnd.nextInt(16)) {
                case 0 -> new String[]{"SET", "k" + k, "v" + v};
                case 1 -> new String[]{"HSET", "h" + k, "f" + v % 13, "" + v};
                case 2 -> new String[]{"RPUSH", "l" + k, "" + v};
                case 3 -> new String[]{"LPOP", "l" + k};
                case 4 -> new String[]{"SADD", "s" + k, "m" + v % 40};
                case 5 -> new String[]{"SREM", "s" + k, "m" + v % 40};
                case 6 -> new String[]{"ZADD", "z" + k, v + ".5", "m" + v % 20};
                case 7 -> new String[]{"ZINCRBY", "z" + k, "1.25", "m1"};
                case 8 -> new String[]{"INCR", "counter"};
                case 9 -> new String[]{"EXPIRE", "k" + k, "1000"};
                case 10 -> new String[]{"SET", "short" + k, "x", "PX", "" + (v % 30 + 1)};
                case 11 -> new String[]{"DEL", "h" + k};
                case 12 -> new String[]{"APPEND", "str" + k % 20, "ab"};
                case 13 -> new String[]{"EVAL", "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'scripts')",
                        "1", "lua" + k, "" + v};
                case 14 -> new String[]{"SETEX", "ttl" + k, "500", "" + v};
                default -> new String[]{"HINCRBY", "h" + k, "n", "3"};
            });
            if (i % 50 == 0) {
                batch.add(new String[]{"MULTI"});
                batch.add(new String[]{"INCR", "tx"});
                batch.add(new String[]{"LPUSH", "txl", "" + i});
                batch.add(new String[]{"EXEC"});
            }
            if (i % 100 == 0) {
                batch.add(new String[]{"SELECT", "2"});
                batch.add(new String[]{"SET", "other" + k, "" + v});
                batch.add(new String[]{"SELECT", "0"});
            }
        }
        for (String[] c : batch) {
            byte[][] args = new byte[c.length][];
            for (int j = 0; j < c.length; j++) {
                args[j] = c[j].getBytes();
            }
            writer.send(args);
        }
        for (String[] c : batch) {
            byte[] reply = writer.readReply();
            assertThat(reply[0]).as("reply to " + String.join(" ", c)).isNotEqualTo((byte) '-');
        }
    }

    /** Waits until the replica acknowledged every write, then compares the datasets. */
    private void awaitConverged() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!writer.callText("WAIT", "1", "1000").equals(":1\r\n")) {
            assertThat(System.currentTimeMillis()).as("replica acknowledged the writes").isLessThan(deadline);
        }
        try (RawClient r = new RawClient(replica.port())) {
            // Keys with milliseconds to live expire on the primary, whose DELs reach the replica a moment later.
            while (!text(writer.callText("DEBUG", "DIGEST")).equals(text(r.callText("DEBUG", "DIGEST")))) {
                assertThat(System.currentTimeMillis()).as("DEBUG DIGEST of the replica equals the primary's")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(text(r.callText("DEBUG", "DIGEST"))).isNotEqualTo("0".repeat(40) + "\r\n");
        }
    }

    private long offset() throws IOException {
        return Long.parseLong(field(text(writer.callText("INFO", "replication")), "master_repl_offset"));
    }

    private long stat(String name) throws IOException {
        return Long.parseLong(field(text(writer.callText("INFO", "stats")), name));
    }

    /** The text of a bulk reply. */
    private static String text(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2);
    }

    private static String field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":([^\r\n]*)").matcher(info);
        assertThat(m.find()).as(name + " in INFO").isTrue();
        return m.group(1);
    }
}
