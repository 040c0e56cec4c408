package io.larder.node.persistence.aof;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node whose disk fills up, on a 2 MB tmpfs: the failing AOF write and the failing BGSAVE show in INFO
 * ({@code aof_last_write_status:err}, {@code rdb_last_bgsave_status:err}) and in the log, writes are refused with
 * Redis's MISCONF errors, and once space returns both recover by themselves (the AOF write is retried, the
 * save point retries the BGSAVE) with every acknowledged write kept. With {@code appendfsync always} the node
 * exits instead, as Redis; a rewrite asked for, or the AOF turned off, on the full disk harms nothing.
 * <p>
 * Mounting needs root (CI runs the tests as root). Without it the tests are not run: JUnit reports them as skipped
 * with the reason "needs root to mount a tmpfs", so they never pass unseen.
 */
class DiskFullTest {
    private static final String VALUE = "v".repeat(1000);
    private static final String OK = "+OK\r\n";

    @Test
    void aFullDiskIsReportedRefusesWritesAndRecoversWhenSpaceReturns() throws Exception {
        try (SmallDisk disk = SmallDisk.mount()) {
            // The save point is set only once the AOF error is seen: a BGSAVE failing first would make the RDB
            // error the one writes get (Redis checks it before the AOF's).
            int port = disk.start("everysec", "--save", "", "--auto-aof-rewrite-percentage", "0");
            List<String> acknowledged = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                disk.writeThenFill(c, acknowledged);
                // Writes are accepted until the AOF write fails, then refused with MISCONF.
                assertThat(writeUntilRefused(c, acknowledged))
                        .isEqualTo("-MISCONF Errors writing to the AOF file: No space left on device\r\n");
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_write_status:err");
                assertThat(c.callText("GET", "before:0")).contains(VALUE); // reads still served

                // A save point is due: its BGSAVE fails too, and then the RDB error is the one writes get.
                assertThat(c.callText("CONFIG", "SET", "save", "1 1")).isEqualTo(OK);
                AofTestSupport.awaitInfo(c, "rdb_last_bgsave_status:err", 10_000);
                assertThat(c.callText("SET", "x", "1")).startsWith("-MISCONF Redis is configured to save RDB snapshots");
                assertThat(disk.log()).contains("AOF write failed: No space left on device")
                        .contains("Background saving error");

                // Space returns: the AOF write is retried, the save point retries the BGSAVE (after 5 s, as Redis).
                disk.freeSpace();
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 10_000);
                AofTestSupport.awaitInfo(c, "rdb_last_bgsave_status:ok", 20_000);
                assertThat(c.callText("SET", "after", VALUE)).isEqualTo(OK);
                acknowledged.add("after");
            }
            disk.assertAllThere(disk.restart("everysec"), acknowledged);
        }
    }

    /**
     * With {@code appendfsync always} a write that finds the disk full cannot be made durable, and its effect is
     * already visible: the node logs Redis's line and exits with status 1, as Redis does, without answering that
     * write. Once space returns, every write it acknowledged is there after the restart.
     */
    @Test
    void withAppendfsyncAlwaysAFailingWriteEndsTheNodeAndNothingAcknowledgedIsLost() throws Exception {
        try (SmallDisk disk = SmallDisk.mount()) {
            int port = disk.start("always", "--auto-aof-rewrite-percentage", "0");
            List<String> acknowledged = new ArrayList<>();
            String unanswered = null;
            try (RawClient c = new RawClient(port)) {
                disk.writeThenFill(c, acknowledged);
                for (int i = 0; i < 10_000 && unanswered == null; i++) {
                    try {
                        // Answered only once on disk: never with an error, never MISCONF.
                        assertThat(c.callText("SET", "during:" + i, VALUE)).isEqualTo(OK);
                        acknowledged.add("during:" + i);
                    } catch (IOException closed) {
                        unanswered = "during:" + i;
                    }
                }
            }
            assertThat(unanswered).as("a write that found the disk full").isNotNull();
            assertThat(disk.node().waitFor(10, TimeUnit.SECONDS)).as("the node exits by itself").isTrue();
            assertThat(disk.node().exitValue()).isEqualTo(1);
            assertThat(disk.log())
                    .contains("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");

            disk.freeSpace();
            disk.assertAllThere(disk.restart("always"), acknowledged);
        }
    }

    /**
     * A rewrite asked for while the disk is full fails (reported in INFO) without harming the AOF: the writes it
     * flushes into the old incremental file first leave no torn command there when that fails, and the snapshot
     * it began is given up, so once space returns the AOF goes on, the next rewrite and BGSAVE run, and a restart
     * that refuses torn files finds every acknowledged write.
     */
    @Test
    void aRewriteAskedForOnAFullDiskFailsCleanly() throws Exception {
        try (SmallDisk disk = SmallDisk.mount()) {
            int port = disk.start("everysec", "--auto-aof-rewrite-percentage", "0");
            List<String> acknowledged = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                disk.writeThenFill(c, acknowledged);
                assertThat(writeUntilRefused(c, acknowledged)).startsWith("-MISCONF Errors writing to the AOF file");
                assertThat(c.callText("BGREWRITEAOF")).isEqualTo("+Background append only file rewriting started\r\n");
                AofTestSupport.awaitInfo(c, "aof_rewrite_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_bgrewrite_status:err");

                disk.freeSpace();
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 10_000);
                assertThat(c.callText("SET", "after", VALUE)).isEqualTo(OK);
                acknowledged.add("after");
                assertThat(c.callText("BGSAVE")).isEqualTo("+Background saving started\r\n");
                AofTestSupport.awaitInfo(c, "rdb_bgsave_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("rdb_last_bgsave_status:ok");
            }
            try (RawClient c = new RawClient(disk.restart("everysec", "--aof-load-truncated", "no"))) {
                disk.assertAllThere(c, acknowledged);
                assertThat(c.callText("BGREWRITEAOF")).isEqualTo("+Background append only file rewriting started\r\n");
                AofTestSupport.awaitInfo(c, "aof_rewrite_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_bgrewrite_status:ok");
            }
        }
    }

    /**
     * CONFIG SET appendonly no while the disk is full: the AOF is turned off (writes accepted again), and the
     * buffered writes it fails to flush leave no torn command, so a start that refuses torn files loads it.
     * Those writes are not in the AOF (as with Redis, which flushes what it can when the AOF is turned off).
     */
    @Test
    void turningTheAofOffOnAFullDiskLeavesNoTornCommand() throws Exception {
        try (SmallDisk disk = SmallDisk.mount()) {
            int port = disk.start("everysec", "--auto-aof-rewrite-percentage", "0");
            List<String> written = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                disk.writeThenFill(c, written);
                assertThat(writeUntilRefused(c, new ArrayList<>())).startsWith("-MISCONF Errors writing to the AOF file");
                assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo(OK);
                assertThat(c.callText("SET", "x", "1")).isEqualTo(OK);
            }
            disk.freeSpace();
            disk.assertAllThere(disk.restart("everysec", "--aof-load-truncated", "no"), written);
        }
    }

    /** SETs until one is refused: the refusal; the keys of the accepted ones are added to {@code acknowledged}. */
    private static String writeUntilRefused(RawClient c, List<String> acknowledged) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            String reply = c.callText("SET", "during:" + i, VALUE);
            if (!reply.equals(OK)) {
                return reply;
            }
            acknowledged.add("during:" + i); // written before the disk was found full, or buffered
            AofTestSupport.sleep(1);
        }
        throw new AssertionError("no write was refused");
    }

    /** A 2 MB tmpfs (root only: the test is skipped otherwise) with a node process on it; unmounted on close. */
    private static final class SmallDisk implements AutoCloseable {
        private final Path mount;
        private final Path log;
        private Process node;

        private SmallDisk(Path mount, Path log) {
            this.mount = mount;
            this.log = log;
        }

        static SmallDisk mount() throws Exception {
            assumeTrue(isRoot(), "needs root to mount a tmpfs: not run");
            Path mount = Files.createTempDirectory("larder-diskfull");
            run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
            return new SmallDisk(mount, Files.createTempFile("larder-diskfull", ".log"));
        }

        /** Starts a node on the disk and waits until it answers; returns its port. */
        int start(String appendfsync, String... more) throws Exception {
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, appendfsync, more);
            AofCrashTest.awaitReady(port, node);
            return port;
        }

        /** Kills the node (if it still runs) and starts another on the same files; returns its port. */
        int restart(String appendfsync, String... more) throws Exception {
            stopNode();
            return start(appendfsync, more);
        }

        Process node() {
            return node;
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        /** 50 SETs acknowledged (their keys added to {@code acknowledged}), then the disk filled up. */
        void writeThenFill(RawClient c, List<String> acknowledged) throws IOException {
            for (int i = 0; i < 50; i++) {
                assertThat(c.callText("SET", "before:" + i, VALUE)).isEqualTo(OK);
                acknowledged.add("before:" + i);
            }
            byte[] chunk = new byte[16 * 1024];
            try (OutputStream out = Files.newOutputStream(ballast())) {
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException full) {
                // the disk is full
            }
            assertThat(Files.size(ballast())).isPositive();
        }

        void freeSpace() throws IOException {
            Files.delete(ballast());
        }

        void assertAllThere(int port, List<String> keys) throws IOException {
            try (RawClient c = new RawClient(port)) {
                assertAllThere(c, keys);
            }
        }

        void assertAllThere(RawClient c, List<String> keys) throws IOException {
            for (String key : keys) {
                assertThat(c.callText("EXISTS", key)).as(key).isEqualTo(":1\r\n");
            }
        }

        private Path ballast() {
            return mount.resolve("ballast");
        }

        private void stopNode() throws InterruptedException {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
        }

        @Override
        public void close() throws Exception {
            stopNode();
            run("umount", mount.toString());
            Files.delete(mount);
            Files.deleteIfExists(log);
        }
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        return p.waitFor() == 0 && uid.equals("0");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
