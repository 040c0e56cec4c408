package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WAITAOF (Redis 7.2, so not in the 7.0 oracle: checked against Larder alone, with Redis 7.2's texts): its errors,
 * the local count from the AOF's fsyncs under each appendfsync, a wait ended by turning the AOF off, replicas
 * counted from their REPLCONF ACK ... FACK (Larder replicas send it, a Redis 7.0 replica does not).
 */
class WaitAofTest extends ClosingTestBase {
    private static final String LOCAL_WITHOUT_AOF =
            "-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n";

    private LarderServer larder(String... options) throws Exception {
        return track(LarderServer.start(options));
    }

    private RawClient client(int port) throws Exception {
        return track(new RawClient(port));
    }

    private static String counts(long local, long replicas) {
        return "*2\r\n:" + local + "\r\n:" + replicas + "\r\n";
    }

    @Test
    void errorsAndRepliesThatDoNotWait() throws Exception {
        RawClient c = client(larder().port());
        assertThat(c.callText("WAITAOF", "0", "0"))
                .isEqualTo("-ERR wrong number of arguments for 'waitaof' command\r\n");
        assertThat(c.callText("WAITAOF", "x", "0", "0")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(c.callText("WAITAOF", "2", "0", "0"))
                .isEqualTo("-ERR value is out of range, value must between 0 and 1\r\n");
        assertThat(c.callText("WAITAOF", "-1", "0", "0"))
                .isEqualTo("-ERR value is out of range, value must between 0 and 1\r\n");
        assertThat(c.callText("WAITAOF", "0", "1.5", "0"))
                .isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(c.callText("WAITAOF", "0", "-1", "0")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(c.callText("WAITAOF", "0", "0", "x"))
                .isEqualTo("-ERR timeout is not an integer or out of range\r\n");
        assertThat(c.callText("WAITAOF", "0", "0", "-1")).isEqualTo("-ERR timeout is negative\r\n");
        assertThat(c.callText("WAITAOF", "0", "0", "9223372036854775807"))
                .isEqualTo("-ERR timeout is out of range\r\n");
        // the arguments are checked before the AOF is
        assertThat(c.callText("WAITAOF", "1", "-1", "0")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(c.callText("WAITAOF", "1", "0", "0")).isEqualTo(LOCAL_WITHOUT_AOF);
        assertThat(c.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
        assertThat(c.callText("WAITAOF", "0", "0", "0")).isEqualTo(counts(0, 0));
        long start = System.nanoTime();
        assertThat(c.callText("WAITAOF", "0", "1", "100")).isEqualTo(counts(0, 0));
        assertThat((System.nanoTime() - start) / 1_000_000).as("waited for the timeout").isGreaterThanOrEqualTo(95);
        // where nothing may block: the counts now
        assertThat(c.callText("MULTI")).isEqualTo("+OK\r\n");
        assertThat(c.callText("WAITAOF", "0", "1", "0")).isEqualTo("+QUEUED\r\n");
        assertThat(c.callText("EXEC")).isEqualTo("*1\r\n" + counts(0, 0));
        assertThat(c.callText("EVAL", "return redis.call('waitaof', 0, 1, 0)", "0")).isEqualTo(counts(0, 0));
    }

    /** Not in the 7.0 oracle: COMMAND INFO as Redis 7.2's waitaof.json describes it. */
    @Test
    void commandInfoIsRedis72s() throws Exception {
        RawClient c = client(larder().port());
        assertThat(c.callText("COMMAND", "INFO", "waitaof")).isEqualTo("*1\r\n*10\r\n$7\r\nwaitaof\r\n:4\r\n"
                + "*1\r\n+blocking\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@slow\r\n+@blocking\r\n+@connection\r\n"
                + "*2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_min\r\n*0\r\n*0\r\n");
    }

    @Test
    void localCountFollowsTheFsyncsOfEachAppendfsyncPolicy() throws Exception {
        LarderServer node = larder("--appendonly", "yes", "--appendfsync", "always");
        RawClient c = client(node.port());
        RawClient fresh = client(node.port());
        assertThat(fresh.callText("WAITAOF", "1", "0", "0")).as("nothing written: nothing to wait for")
                .isEqualTo(counts(1, 0));
        assertThat(c.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
        assertThat(c.callText("WAITAOF", "1", "0", "0")).as("always: fsynced before the reply").isEqualTo(counts(1, 0));

        assertThat(c.callText("CONFIG", "SET", "appendfsync", "no")).isEqualTo("+OK\r\n");
        assertThat(c.callText("INCR", "n")).isEqualTo(":1\r\n");
        long start = System.nanoTime();
        assertThat(c.callText("WAITAOF", "1", "0", "200")).as("no: never fsynced").isEqualTo(counts(0, 0));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(195);

        assertThat(c.callText("CONFIG", "SET", "appendfsync", "everysec")).isEqualTo("+OK\r\n");
        start = System.nanoTime();
        assertThat(c.callText("WAITAOF", "1", "0", "5000")).as("everysec: the next background fsync")
                .isEqualTo(counts(1, 0));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);

        // A wait for a local fsync that cannot come: turning the AOF off answers it with the error.
        assertThat(c.callText("CONFIG", "SET", "appendfsync", "no")).isEqualTo("+OK\r\n");
        assertThat(c.callText("INCR", "n")).isEqualTo(":2\r\n");
        c.send("WAITAOF".getBytes(), "1".getBytes(), "0".getBytes(), "0".getBytes());
        Thread.sleep(200);
        assertThat(fresh.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n");
        assertThat(new String(c.readReply())).isEqualTo(LOCAL_WITHOUT_AOF);
        assertThat(c.callText("WAITAOF", "0", "0", "0")).isEqualTo(counts(0, 0));
    }

    @Test
    void replicasCountedFromTheirFsyncAcknowledgements() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync-delay", "0");
        String[] follow = {"--replicaof", "127.0.0.1", Integer.toString(primary.port())};
        LarderServer withAof = larder(concat(follow, "--appendonly", "yes", "--appendfsync", "always"));
        LarderServer withoutAof = larder(follow);
        RawClient p = client(primary.port());
        awaitReplicas(p, 2);
        assertThat(p.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
        assertThat(p.callText("WAIT", "2", "10000")).isEqualTo(":2\r\n");
        assertThat(p.callText("WAITAOF", "0", "1", "10000")).isEqualTo(counts(0, 1));
        assertThat(p.callText("INCR", "n")).isEqualTo(":1\r\n");
        // The AOF replica acknowledges each fsync a GETACK waits for when it is done, not with its next ACK (a
        // second later): five waits in a row within 700 ms each (by chance that takes five lucky ACK timings).
        for (int i = 2; i <= 6; i++) {
            long start = System.nanoTime();
            assertThat(p.callText("WAITAOF", "0", "1", "5000")).isEqualTo(counts(0, 1));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(700);
            assertThat(p.callText("INCR", "n")).isEqualTo(":" + i + "\r\n");
        }
        long start = System.nanoTime();
        assertThat(p.callText("WAITAOF", "0", "2", "1000")).as("one replica has no AOF").isEqualTo(counts(0, 1));
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(995);

        RawClient r = client(withAof.port());
        assertThat(r.callText("WAITAOF", "0", "0", "0")).isEqualTo("-ERR WAITAOF cannot be used with replica "
                + "instances. Please also note that writes to replicas are just local and are not propagated.\r\n");
        assertThat(r.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
        assertThat(withoutAof.node().replicaLink().appliedOffset()).isPositive();
    }

    @Test
    void aRedis70ReplicaSendsNoFsyncAcknowledgement() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync-delay", "0", "--appendonly", "yes");
        RedisServerProcess redis = RedisServerProcess.start("--replicaof", "127.0.0.1",
                Integer.toString(primary.port()), "--appendonly", "yes", "--appendfsync", "always");
        track(redis);
        RawClient p = client(primary.port());
        awaitReplicas(p, 1);
        assertThat(p.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
        assertThat(p.callText("WAIT", "1", "10000")).isEqualTo(":1\r\n");
        assertThat(p.callText("WAITAOF", "1", "1", "300")).isEqualTo(counts(1, 0));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void awaitReplicas(RawClient primary, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            String info = primary.callText("INFO", "replication");
            long online = info.lines().filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
            if (online >= n) {
                return;
            }
            assertThat(System.currentTimeMillis()).as(info).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
