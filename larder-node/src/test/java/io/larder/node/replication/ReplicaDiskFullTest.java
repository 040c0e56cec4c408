package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderProcess;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RedisServerProcess;
import io.larder.node.testing.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.larder.node.replication.ReplicaOfRedisTest.digest;
import static io.larder.node.replication.ReplicationRestartTest.info;
import static io.larder.node.replication.ReplicationRestartTest.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A replica whose disk is full (a 4 MB tmpfs filled with a ballast file), as Redis 7 behaves:
 * <ul>
 * <li>with a disk-based load it cannot write the snapshot: it says so in its log, INFO shows the link down and the
 * synchronisation in progress, its old data is served meanwhile, and it keeps trying until space returns;</li>
 * <li>with appendonly yes the AOF write fails: by default the primary's next write stops the node (Redis panics
 * "Replica was unable to write command to disk."), and restarted with space it loads its AOF and resynchronises;
 * with replica-ignore-disk-write-errors yes it goes on applying the stream (aof_last_write_status:err, logged),
 * the AOF catches up once space returns, and the node restarted from it alone holds the primary's data.</li>
 * </ul>
 * Mounting needs root: without it the tests are reported as not run.
 */
class ReplicaDiskFullTest extends ClosingTestBase {
    private Tmpfs disk;
    private Path log;

    @BeforeEach
    void mount() throws Exception {
        assumeTrue(Tmpfs.canMount(), "needs root to mount a tmpfs: not run");
        disk = Tmpfs.mount(4);
        log = Files.createTempFile("larder-replica-", ".log");
    }

    @AfterEach
    void unmountDisk() throws Exception {
        closeStarted(); // the nodes first: their files are on the disk
        if (disk != null) {
            disk.close();
            Files.deleteIfExists(log);
        }
    }

    private LarderProcess replica(int port, String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("--save", "", "--enable-debug-command", "yes"));
        all.addAll(List.of(options));
        return track(LarderProcess.start(port, disk.path(), log, all.toArray(new String[0])));
    }

    @Test
    void aSnapshotThatCannotBeWrittenIsReportedRetriedAndLoadedOnceSpaceReturns() throws Exception {
        LarderServer primary = track(LarderServer.start("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"));
        Jedis p = track(new Jedis("127.0.0.1", primary.port(), 30_000));
        writeIncompressible(p, "k:", 400);
        LarderProcess replica = replica(RedisServerProcess.freePort(), "--repl-diskless-load", "disabled");
        Jedis r = track(new Jedis("127.0.0.1", replica.port(), 30_000));
        r.set("old", "1");
        Path ballast = disk.fill("ballast");

        r.replicaof("127.0.0.1", primary.port());
        boolean sawSyncInProgress = false;
        long deadline = System.currentTimeMillis() + 20_000;
        while (stat(p, "sync_full") < 3 || !sawSyncInProgress) {
            assertThat(System.currentTimeMillis()).as("full synchronisations are retried").isLessThan(deadline);
            String replication = r.info("replication");
            assertThat(replication).contains("master_link_status:down");
            sawSyncInProgress |= replication.contains("master_sync_in_progress:1");
            Thread.sleep(5);
        }
        assertThat(replica.log()).contains("Write error or short write writing to the DB dump file needed for "
                + "MASTER <-> REPLICA synchronization: No space left on device");
        assertThat(r.get("old")).as("the old data is served meanwhile").isEqualTo("1");
        assertThat(r.dbSize()).isEqualTo(1);

        Files.delete(ballast);
        awaitSynced(p, r);
        assertThat(r.exists("old")).isFalse();
        assertThat(digest(r)).isEqualTo(digest(p));
    }

    @Test
    void anAofWriteErrorStopsTheReplicaOnThePrimarysNextWriteAsRedisPanics() throws Exception {
        LarderServer primary = track(LarderServer.start("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"));
        Jedis p = track(new Jedis("127.0.0.1", primary.port(), 30_000));
        writeIncompressible(p, "before:", 100);
        int port = RedisServerProcess.freePort();
        // everysec: with always the failed write itself ends the node (Redis's exit on an AOF it cannot make
        // durable) before the next command of the stream could meet the error.
        String[] options = {"--appendonly", "yes", "--appendfsync", "everysec",
                "--replicaof", "127.0.0.1", Integer.toString(primary.port())};
        LarderProcess replica = replica(port, options);
        try (Jedis r = new Jedis("127.0.0.1", port, 30_000)) {
            awaitSynced(p, r);
        }
        Path ballast = disk.fill("ballast");
        Random random = new Random(7);
        for (int i = 0; i < 2000 && replica.process().isAlive(); i++) {
            p.set("during:" + i, incompressible(random, 1000));
            Thread.sleep(2);
        }
        assertThat(replica.process().waitFor(10, TimeUnit.SECONDS)).as("the replica stopped").isTrue();
        assertThat(replica.process().exitValue()).isEqualTo(1);
        assertThat(replica.log()).contains("Guru Meditation: Replica was unable to write command to disk.");

        // Restarted with space: its AOF (cut short by the full disk) loads, and a full synchronisation follows.
        Files.delete(ballast);
        replica(port, options);
        try (Jedis r = new Jedis("127.0.0.1", port, 30_000)) {
            awaitSynced(p, r);
            assertThat(digest(r)).isEqualTo(digest(p));
        }
    }

    @Test
    void withIgnoreDiskWriteErrorsTheStreamIsAppliedAndTheAofCatchesUpOnceSpaceReturns() throws Exception {
        LarderServer primary = track(LarderServer.start("--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"));
        Jedis p = track(new Jedis("127.0.0.1", primary.port(), 30_000));
        writeIncompressible(p, "before:", 100);
        int port = RedisServerProcess.freePort();
        LarderProcess replica = replica(port, "--appendonly", "yes", "--appendfsync", "everysec",
                "--replica-ignore-disk-write-errors", "yes", "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
        Jedis r = track(new Jedis("127.0.0.1", port, 30_000));
        awaitSynced(p, r);
        awaitText(r, "persistence", "aof_rewrite_in_progress:0");
        Path ballast = disk.fill("ballast");

        Random random = new Random(8);
        for (int i = 0; !r.info("persistence").contains("aof_last_write_status:err"); i++) {
            assertThat(i).as("the AOF write fails").isLessThan(5000);
            p.set("during:" + i, incompressible(random, 1000));
            p.incr("counter");
            Thread.sleep(2);
        }
        for (int i = 0; i < 200; i++) {
            p.incr("counter");
            p.hset("h", "f" + i, Integer.toString(i));
        }
        awaitSynced(p, r);
        assertThat(digest(r)).as("the stream was applied").isEqualTo(digest(p));
        assertThat(r.info("replication")).contains("master_link_status:up");
        assertThat(replica.log()).contains("Replica is applying a command even though it is unable to write to disk.");

        Files.delete(ballast);
        awaitText(r, "persistence", "aof_last_write_status:ok");
        for (int i = 0; i < 100; i++) {
            p.incr("counter");
        }
        awaitSynced(p, r);
        Thread.sleep(1500); // everysec: the last writes reach the disk
        String expected = digest(p);
        replica.kill();

        // The AOF alone, without the primary: it holds everything the replica applied.
        LarderProcess alone = replica(port, "--appendonly", "yes");
        try (Jedis a = new Jedis("127.0.0.1", alone.port(), 30_000)) {
            assertThat(digest(a)).isEqualTo(expected);
        }
    }

    // ---- helpers

    private static void writeIncompressible(Jedis p, String prefix, int keys) {
        Random random = new Random(prefix.hashCode());
        for (int i = 0; i < keys; i++) {
            p.set(prefix + i, incompressible(random, 1000));
        }
    }

    private static String incompressible(Random random, int bytes) {
        byte[] b = new byte[bytes * 3 / 4];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Until the link is up and the replica applied the primary's whole stream. */
    private static void awaitSynced(Jedis p, Jedis r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            String replication = r.info("replication");
            if (replication.contains("master_link_status:up")
                    && info(r, "slave_repl_offset").equals(info(p, "master_repl_offset"))) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("the replica catches up: " + replication).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitText(Jedis j, String section, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!j.info(section).contains(text)) {
            assertThat(System.currentTimeMillis()).as("waiting for " + text).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
