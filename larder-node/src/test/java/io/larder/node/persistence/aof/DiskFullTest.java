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
 * save point retries the BGSAVE) with every acknowledged write kept.
 * <p>
 * Mounting needs root (CI runs the tests as root). Without it the test is not run: JUnit reports it as skipped
 * with the reason "needs root to mount a tmpfs", so it never passes unseen.
 */
class DiskFullTest {
    private static final String VALUE = "v".repeat(1000);

    @Test
    void aFullDiskIsReportedRefusesWritesAndRecoversWhenSpaceReturns() throws Exception {
        assumeTrue(isRoot(), "needs root to mount a tmpfs: not run");
        Path mount = Files.createTempDirectory("larder-diskfull");
        Path log = Files.createTempFile("larder-diskfull", ".log");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        Process node = null;
        try {
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec", "--save", "1 1",
                    "--auto-aof-rewrite-percentage", "0");
            AofCrashTest.awaitReady(port, node);
            List<String> acknowledged = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(c.callText("SET", "before:" + i, VALUE)).isEqualTo("+OK\r\n");
                    acknowledged.add("before:" + i);
                }
                Path ballast = mount.resolve("ballast");
                fill(ballast);

                // Writes are accepted until the AOF write fails, then refused with MISCONF.
                String refused = null;
                for (int i = 0; i < 10_000 && refused == null; i++) {
                    String reply = c.callText("SET", "during:" + i, VALUE);
                    if (reply.equals("+OK\r\n")) {
                        acknowledged.add("during:" + i);
                    } else {
                        refused = reply;
                    }
                    AofTestSupport.sleep(1);
                }
                assertThat(refused).isEqualTo("-MISCONF Errors writing to the AOF file: No space left on device\r\n");
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_write_status:err");
                assertThat(c.callText("GET", "before:0")).contains(VALUE); // reads still served

                // A save point is due: its BGSAVE fails too, and then the RDB error is the one writes get.
                AofTestSupport.awaitInfo(c, "rdb_last_bgsave_status:err", 10_000);
                assertThat(c.callText("SET", "x", "1")).startsWith("-MISCONF Redis is configured to save RDB snapshots");
                String logText = Files.readString(log, StandardCharsets.UTF_8);
                assertThat(logText).contains("AOF write failed: No space left on device")
                        .contains("Background saving error");

                // Space returns: the AOF write is retried, the save point retries the BGSAVE (after 5 s, as Redis).
                Files.delete(ballast);
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 10_000);
                AofTestSupport.awaitInfo(c, "rdb_last_bgsave_status:ok", 20_000);
                assertThat(c.callText("SET", "after", VALUE)).isEqualTo("+OK\r\n");
                acknowledged.add("after");
            }
            node.destroyForcibly();
            node.waitFor();
            port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec");
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                for (String key : acknowledged) {
                    assertThat(c.callText("EXISTS", key)).as(key).isEqualTo(":1\r\n");
                }
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
            run("umount", mount.toString());
            Files.delete(mount);
            Files.deleteIfExists(log);
        }
    }

    /**
     * With {@code appendfsync always} a write that finds the disk full cannot be made durable, and its effect is
     * already visible: the node logs Redis's line and exits with status 1, as Redis does, without answering that
     * write. Once space returns, every write it acknowledged is there after the restart.
     */
    @Test
    void withAppendfsyncAlwaysAFailingWriteEndsTheNodeAndNothingAcknowledgedIsLost() throws Exception {
        assumeTrue(isRoot(), "needs root to mount a tmpfs: not run");
        Path mount = Files.createTempDirectory("larder-diskfull-always");
        Path log = Files.createTempFile("larder-diskfull-always", ".log");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        Process node = null;
        try {
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "always", "--auto-aof-rewrite-percentage", "0");
            AofCrashTest.awaitReady(port, node);
            List<String> acknowledged = new ArrayList<>();
            Path ballast = mount.resolve("ballast");
            String unanswered = null;
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(c.callText("SET", "before:" + i, VALUE)).isEqualTo("+OK\r\n");
                    acknowledged.add("before:" + i);
                }
                fill(ballast);
                for (int i = 0; i < 10_000 && unanswered == null; i++) {
                    try {
                        // Answered only once on disk: never with an error, never MISCONF.
                        assertThat(c.callText("SET", "during:" + i, VALUE)).isEqualTo("+OK\r\n");
                        acknowledged.add("during:" + i);
                    } catch (IOException closed) {
                        unanswered = "during:" + i;
                    }
                }
            }
            assertThat(unanswered).as("a write that found the disk full").isNotNull();
            assertThat(node.waitFor(10, TimeUnit.SECONDS)).as("the node exits by itself").isTrue();
            assertThat(node.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log, StandardCharsets.UTF_8))
                    .contains("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");

            Files.delete(ballast);
            port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "always");
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                for (String key : acknowledged) {
                    assertThat(c.callText("EXISTS", key)).as(key).isEqualTo(":1\r\n");
                }
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
            run("umount", mount.toString());
            Files.delete(mount);
            Files.deleteIfExists(log);
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
        assumeTrue(isRoot(), "needs root to mount a tmpfs: not run");
        Path mount = Files.createTempDirectory("larder-diskfull-rewrite");
        Path log = Files.createTempFile("larder-diskfull-rewrite", ".log");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        Process node = null;
        try {
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec", "--auto-aof-rewrite-percentage", "0");
            AofCrashTest.awaitReady(port, node);
            List<String> acknowledged = new ArrayList<>();
            Path ballast = mount.resolve("ballast");
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(c.callText("SET", "before:" + i, VALUE)).isEqualTo("+OK\r\n");
                    acknowledged.add("before:" + i);
                }
                fill(ballast);
                String refused = null;
                for (int i = 0; i < 10_000 && refused == null; i++) {
                    String reply = c.callText("SET", "during:" + i, VALUE);
                    if (reply.equals("+OK\r\n")) {
                        acknowledged.add("during:" + i); // written before the disk was found full, or buffered
                    } else {
                        refused = reply;
                    }
                }
                assertThat(refused).startsWith("-MISCONF Errors writing to the AOF file");
                assertThat(c.callText("BGREWRITEAOF")).isEqualTo("+Background append only file rewriting started\r\n");
                AofTestSupport.awaitInfo(c, "aof_rewrite_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_bgrewrite_status:err");

                Files.delete(ballast);
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 10_000);
                assertThat(c.callText("SET", "after", VALUE)).isEqualTo("+OK\r\n");
                acknowledged.add("after");
                assertThat(c.callText("BGSAVE")).isEqualTo("+Background saving started\r\n");
                AofTestSupport.awaitInfo(c, "rdb_bgsave_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("rdb_last_bgsave_status:ok");
                assertThat(c.callText("SET", "last", VALUE)).isEqualTo("+OK\r\n"); // the torn part was cut off
                acknowledged.add("last");
            }
            node.destroyForcibly();
            node.waitFor();
            port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec", "--aof-load-truncated", "no");
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                for (String key : acknowledged) {
                    assertThat(c.callText("EXISTS", key)).as(key).isEqualTo(":1\r\n");
                }
                assertThat(c.callText("BGREWRITEAOF")).isEqualTo("+Background append only file rewriting started\r\n");
                AofTestSupport.awaitInfo(c, "aof_rewrite_in_progress:0", 10_000);
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_bgrewrite_status:ok");
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
            run("umount", mount.toString());
            Files.delete(mount);
            Files.deleteIfExists(log);
        }
    }

    /**
     * CONFIG SET appendonly no while the disk is full: the AOF is turned off (writes accepted again), and the
     * buffered writes it fails to flush leave no torn command, so a start that refuses torn files loads it.
     * Those writes are not in the AOF (as with Redis, which flushes what it can when the AOF is turned off).
     */
    @Test
    void turningTheAofOffOnAFullDiskLeavesNoTornCommand() throws Exception {
        assumeTrue(isRoot(), "needs root to mount a tmpfs: not run");
        Path mount = Files.createTempDirectory("larder-diskfull-off");
        Path log = Files.createTempFile("larder-diskfull-off", ".log");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        Process node = null;
        try {
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec", "--auto-aof-rewrite-percentage", "0");
            AofCrashTest.awaitReady(port, node);
            Path ballast = mount.resolve("ballast");
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(c.callText("SET", "before:" + i, VALUE)).isEqualTo("+OK\r\n");
                }
                fill(ballast);
                String refused = null;
                for (int i = 0; i < 10_000 && refused == null; i++) {
                    String reply = c.callText("SET", "during:" + i, VALUE);
                    refused = reply.equals("+OK\r\n") ? null : reply;
                }
                assertThat(refused).startsWith("-MISCONF Errors writing to the AOF file");
                assertThat(c.callText("CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n");
                assertThat(c.callText("SET", "x", "1")).isEqualTo("+OK\r\n");
            }
            node.destroyForcibly();
            node.waitFor();
            Files.delete(ballast);
            port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(mount, log, port, "everysec", "--aof-load-truncated", "no");
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(c.callText("EXISTS", "before:" + i)).isEqualTo(":1\r\n");
                }
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
            run("umount", mount.toString());
            Files.delete(mount);
            Files.deleteIfExists(log);
        }
    }

    /** Writes zeros until the filesystem refuses more. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        assertThat(Files.size(file)).isPositive();
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
