package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderProcess;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.larder.node.replication.ReplicaOfRedisTest.assertSameData;
import static io.larder.node.replication.ReplicaOfRedisTest.awaitCaughtUp;
import static io.larder.node.replication.ReplicationRestartTest.info;
import static io.larder.node.replication.ReplicationRestartTest.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The primary killed (SIGKILL) in the middle of a write load: the replica reports the lost link in INFO as a Redis
 * replica does (master_link_status:down, master_last_io_seconds_ago:-1, master_link_down_since_seconds growing),
 * serves its data meanwhile (or answers MASTERDOWN with replica-serve-stale-data no), reconnects by itself once
 * the primary is back on the same port, and converges with it. A Larder primary (restarted from its AOF) and a
 * Redis 7.0 primary (restarted empty).
 */
class ReplicationFaultTest extends ClosingTestBase {
    private static final String MASTERDOWN =
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    /** The primary a test kills and restarts. */
    private interface Primary {
        void kill() throws Exception;

        void restart() throws Exception;
    }

    @Test
    void aLarderPrimaryKilledUnderLoadIsReportedAndRejoinedByItsReplica() throws Exception {
        int port = RedisServerProcess.freePort();
        Path dir = Files.createTempDirectory("larder-primary-");
        String[] options = {"--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"};
        LarderProcess[] primary = {track(LarderProcess.start(port, dir, options))};
        killedAndBack(port, new Primary() {
            @Override
            public void kill() throws Exception {
                primary[0].kill();
            }

            @Override
            public void restart() throws Exception {
                primary[0] = track(LarderProcess.start(port, dir, options));
            }
        });
    }

    @Test
    void aRedisPrimaryKilledUnderLoadIsReportedAndRejoinedByItsReplica() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        int port = RedisServerProcess.freePort();
        Path dir = Files.createTempDirectory("redis-primary-");
        String[] options = {"--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"};
        RedisServerProcess[] primary = {track(RedisServerProcess.start(port, dir, options))};
        killedAndBack(port, new Primary() {
            @Override
            public void kill() throws Exception {
                primary[0].kill();
            }

            @Override
            public void restart() throws Exception {
                primary[0] = track(RedisServerProcess.start(port, dir, options));
            }
        });
    }

    private void killedAndBack(int port, Primary primary) throws Exception {
        Jedis p = new Jedis("127.0.0.1", port, 30_000);
        Workload.run(p, new Random(91), 1000);
        LarderServer replica = track(LarderServer.start("--replicaof", "127.0.0.1", Integer.toString(port),
                "--enable-debug-command", "yes"));
        Jedis r = track(new Jedis("127.0.0.1", replica.port(), 30_000));
        awaitCaughtUp(p, replica);
        p.close();

        // A writer keeps writing until the primary dies under it.
        Thread writer = new Thread(() -> {
            try (Jedis w = new Jedis("127.0.0.1", port, 30_000)) {
                for (long i = 0; ; i++) {
                    w.set("w:" + i, "v" + i);
                }
            } catch (JedisConnectionException e) {
                // killed
            }
        });
        writer.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (r.get("w:100") == null) {
            assertThat(System.currentTimeMillis()).as("the load reaches the replica").isLessThan(deadline);
            Thread.sleep(10);
        }
        primary.kill();
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();

        awaitInfo(r, "master_link_status:down");
        assertThat(info(r, "master_last_io_seconds_ago")).as("no primary to hear from, as Redis says").isEqualTo("-1");
        long downSince = stat(r, "master_link_down_since_seconds");
        Thread.sleep(2100);
        assertThat(stat(r, "master_link_down_since_seconds")).isGreaterThanOrEqualTo(downSince + 2);
        assertThat(info(r, "master_link_status")).isEqualTo("down");
        assertThat(info(r, "master_sync_in_progress")).isEqualTo("0");
        assertThat(r.get("w:100")).as("stale data is served").isEqualTo("v100");
        r.configSet("replica-serve-stale-data", "no");
        assertThatThrownBy(() -> r.get("w:100")).isInstanceOf(JedisDataException.class).hasMessage(MASTERDOWN);
        assertThat(r.info("replication")).contains("role:slave"); // commands flagged stale still answer
        r.configSet("replica-serve-stale-data", "yes");

        primary.restart();
        try (Jedis p2 = new Jedis("127.0.0.1", port, 30_000)) {
            Workload.run(p2, new Random(92), 1000);
            assertSameData(p2, replica, r); // reconnected and resynchronised without being told
            assertThat(info(r, "master_link_status")).isEqualTo("up");
            assertThat(r.info("replication")).doesNotContain("master_link_down_since_seconds");
        }
    }

    private static void awaitInfo(Jedis j, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!j.info("replication").contains(text)) {
            assertThat(System.currentTimeMillis()).as("waiting for " + text).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
