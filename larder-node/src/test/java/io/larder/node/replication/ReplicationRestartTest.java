package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.larder.node.replication.ReplicaOfRedisTest.assertSameData;
import static io.larder.node.replication.ReplicaOfRedisTest.awaitCaughtUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Restarts that keep the replication history, as Redis's do: the RDB file records repl-id, repl-offset and
 * repl-stream-db, so a replica restarted from its file asks PSYNC to continue where that file stands and the
 * primary's backlog serves the rest (+CONTINUE, no full synchronisation); a primary restarted from its file keeps
 * its old id as the secondary one, so its replicas continue too.
 */
class ReplicationRestartTest extends ClosingTestBase {
    private static final String[] OPTIONS = {"--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"};

    private LarderServer larder(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of(OPTIONS));
        all.addAll(List.of(options));
        return track(LarderServer.start(all.toArray(new String[0])));
    }

    private Jedis jedis(int port) {
        return track(new Jedis("127.0.0.1", port, 30_000));
    }

    @Test
    void aReplicaShutDownWithSaveContinuesWithAPartialResynchronisation() throws Exception {
        LarderServer primary = larder();
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(51), 1500);
        Path dir = Files.createTempDirectory("larder-replica-");
        String[] replicaOptions = {"--dir", dir.toString(), "--replicaof", "127.0.0.1", Integer.toString(primary.port())};
        LarderServer replica = larder(replicaOptions);
        Workload.run(p, new Random(52), 1500);
        awaitCaughtUp(p, replica);
        String id = info(p, "master_replid");
        long caughtUpAt = ReplicaOfRedisTest.masterOffset(p);

        shutdown(replica.port(), "SAVE");
        awaitClosed(replica.port());
        Map<String, String> aux = RdbAux.read(dir.resolve("dump.rdb"));
        assertThat(aux).containsEntry("repl-id", id).containsKey("repl-offset").containsKey("repl-stream-db");
        assertThat(List.copyOf(aux.keySet()).subList(4, 8)).as("Redis's order of the aux fields")
                .containsExactly("repl-stream-db", "repl-id", "repl-offset", "aof-base");
        long savedAt = Long.parseLong(aux.get("repl-offset"));
        // Caught up when asked to shut down; the primary's deletions of expiring keys may have followed.
        assertThat(savedAt).isBetween(caughtUpAt, ReplicaOfRedisTest.masterOffset(p));

        Workload.run(p, new Random(53), 1500); // the replica is down: the backlog holds these
        LarderServer again = larder(replicaOptions);
        Jedis r = jedis(again.port());
        Workload.run(p, new Random(54), 500);
        assertSameData(p, again, r);
        assertThat(stat(p, "sync_full")).as("only the first synchronisation was full").isEqualTo(1);
        assertThat(stat(p, "sync_partial_ok")).isEqualTo(1);
        assertThat(info(r, "master_replid")).isEqualTo(id);
    }

    @Test
    void aReplicaThatDiedWithoutSavingContinuesFromTheSnapshotItLoaded() throws Exception {
        // The file a disk-based load left (the primary's snapshot, with its history at the snapshot point) is
        // what a replica that never saved finds: it continues from that point, replaying what followed.
        LarderServer primary = larder();
        Jedis p = jedis(primary.port());
        Workload.run(p, new Random(61), 1500);
        Path dir = Files.createTempDirectory("larder-replica-");
        String[] replicaOptions = {"--dir", dir.toString(), "--replicaof", "127.0.0.1", Integer.toString(primary.port()),
                "--repl-diskless-load", "disabled"};
        LarderServer replica = larder(replicaOptions);
        awaitCaughtUp(p, replica);
        long snapshotAt = Long.parseLong(RdbAux.read(dir.resolve("dump.rdb")).get("repl-offset"));
        for (int i = 0; i < 300; i++) {
            p.incr("counter"); // replayed on the snapshot's data: counted once, or the replica diverges
        }
        Workload.run(p, new Random(62), 1000);
        awaitCaughtUp(p, replica);
        long diedAt = ReplicaOfRedisTest.masterOffset(p);
        replica.close(); // no save
        untrack(replica);

        Workload.run(p, new Random(63), 500);
        LarderServer again = larder(replicaOptions);
        Jedis r = jedis(again.port());
        assertSameData(p, again, r);
        assertThat(r.get("counter")).isEqualTo("300");
        assertThat(stat(p, "sync_full")).isEqualTo(1);
        assertThat(stat(p, "sync_partial_ok")).isEqualTo(1);
        assertThat(snapshotAt).as("the stream after the snapshot was applied again").isLessThan(diedAt);
    }

    @Test
    void aPrimaryRestartedFromItsFileIsContinuedByItsReplica() throws Exception {
        Path dir = Files.createTempDirectory("larder-primary-");
        int port = RedisServerProcess.freePort();
        String[] primaryOptions = {"--port", Integer.toString(port), "--dir", dir.toString()};
        larder(primaryOptions);
        Jedis p = jedis(port);
        Workload.run(p, new Random(71), 1500);
        LarderServer replica = larder("--replicaof", "127.0.0.1", Integer.toString(port));
        Jedis r = jedis(replica.port());
        Workload.run(p, new Random(72), 1000);
        p.set("short", "lived", redis.clients.jedis.params.SetParams.setParams().px(1000)); // expires while down
        awaitCaughtUp(p, replica);
        String id = info(p, "master_replid");
        long offset = ReplicaOfRedisTest.masterOffset(p);

        shutdown(port, "SAVE");
        awaitClosed(port);
        Map<String, String> aux = RdbAux.read(dir.resolve("dump.rdb"));
        assertThat(aux).containsEntry("repl-id", id);
        long savedAt = Long.parseLong(aux.get("repl-offset"));
        assertThat(savedAt).as("the expiry of the load's short-lived keys may have moved it on").isGreaterThanOrEqualTo(offset);
        Thread.sleep(1100);
        larder(primaryOptions); // on the same port, from the same file
        Jedis p2 = jedis(port);
        awaitLoaded(p2);
        assertThat(info(p2, "master_replid2")).isEqualTo(id);
        assertThat(info(p2, "second_repl_offset")).isEqualTo(Long.toString(savedAt + 1));
        assertThat(info(p2, "master_replid")).isNotEqualTo(id);
        Workload.run(p2, new Random(73), 1000);
        assertSameData(p2, replica, r); // the expired key's deletion reached the replica too
        assertThat(r.exists("short")).isFalse();
        assertThat(stat(p2, "sync_full")).as("the replica continued").isZero();
        assertThat(stat(p2, "sync_partial_ok")).isEqualTo(1);
        assertThat(info(r, "master_replid")).isEqualTo(info(p2, "master_replid"));
    }

    @Test
    void aRedisReplicaContinuesWithALarderPrimaryRestartedFromItsFile() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        Path dir = Files.createTempDirectory("larder-primary-");
        int port = RedisServerProcess.freePort();
        String[] primaryOptions = {"--port", Integer.toString(port), "--dir", dir.toString()};
        larder(primaryOptions);
        Jedis p = jedis(port);
        for (int i = 0; i < 2000; i++) {
            p.set("k:" + (i % 300), "v" + i);
            p.hincrBy("h", "f" + (i % 50), 1);
        }
        RedisServerProcess redis = RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(port),
                "--enable-debug-command", "yes");
        track(redis);
        Jedis r = jedis(redis.port());
        awaitSameDigest(p, r);

        shutdown(port, "SAVE");
        awaitClosed(port);
        larder(primaryOptions);
        Jedis p2 = jedis(port);
        awaitLoaded(p2);
        for (int i = 0; i < 1000; i++) {
            p2.incr("after");
        }
        awaitSameDigest(p2, r);
        assertThat(stat(p2, "sync_full")).as("the Redis replica continued").isZero();
        assertThat(stat(p2, "sync_partial_ok")).isEqualTo(1);
        assertThat(Files.readString(redis.dir().resolve("redis.log")))
                .contains("Successful partial resynchronization with master.");
    }

    /** The file loads after the node listens (commands get LOADING meanwhile). */
    private static void awaitLoaded(Jedis j) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!j.info("persistence").contains("loading:0")) {
            assertThat(System.currentTimeMillis()).as("the file is loaded").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void awaitSameDigest(Jedis primary, Jedis replica) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!ReplicaOfRedisTest.digest(replica).equals(ReplicaOfRedisTest.digest(primary))) {
            assertThat(System.currentTimeMillis()).as("the replica converges").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aLarderReplicaOfRedisRestartedFromItsFileContinues() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        RedisServerProcess redis = RedisServerProcess.start("--repl-diskless-sync-delay", "0",
                "--enable-debug-command", "yes");
        track(redis);
        Jedis p = jedis(redis.port());
        Workload.run(p, new Random(81), 1500);
        Path dir = Files.createTempDirectory("larder-replica-");
        String[] replicaOptions = {"--dir", dir.toString(), "--replicaof", "127.0.0.1", Integer.toString(redis.port())};
        LarderServer replica = larder(replicaOptions);
        Workload.run(p, new Random(82), 1000);
        awaitCaughtUp(p, replica);

        shutdown(replica.port(), "SAVE");
        awaitClosed(replica.port());
        Workload.run(p, new Random(83), 1000);
        LarderServer again = larder(replicaOptions);
        Jedis r = jedis(again.port());
        Workload.run(p, new Random(84), 500);
        assertSameData(p, again, r);
        assertThat(stat(p, "sync_full")).isEqualTo(1);
        assertThat(stat(p, "sync_partial_ok")).isEqualTo(1);
        assertThat(Files.readString(redis.dir().resolve("redis.log")))
                .containsPattern("Partial resynchronization request from 127\\.0\\.0\\.1:" + again.port() + " accepted");
    }

    // ---- helpers

    /** SHUTDOWN with {@code args}: the node closes the connection without a reply. */
    static void shutdown(int port, String... args) {
        try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
            String[] all = new String[args.length];
            System.arraycopy(args, 0, all, 0, args.length);
            assertThatThrownBy(() -> j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, all))
                    .isInstanceOf(JedisConnectionException.class);
        }
    }

    static void awaitClosed(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(20);
            } catch (IOException closed) {
                return;
            }
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }

    static String info(Jedis j, String field) {
        for (String line : j.info().split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new IllegalStateException("no " + field);
    }

    static long stat(Jedis j, String field) {
        return Long.parseLong(info(j, field));
    }
}
