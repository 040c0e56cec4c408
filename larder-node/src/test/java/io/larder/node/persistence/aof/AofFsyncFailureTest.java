package io.larder.node.persistence.aof;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An everysec fdatasync that fails, on a node process whose fsync and fdatasync fail with EIO while a marker file
 * exists (a shim preloaded with LD_PRELOAD, {@code aof/failfsync.c}). As Redis: the error shows in INFO
 * ({@code aof_last_write_status:err}) and in the log, and writes and PING are refused with {@code MISCONF Errors
 * writing to the AOF file: Input/output error} while it lasts, reads still served. The fsync is retried once a
 * second, so writes are accepted again once one succeeds (Redis 7.0 tries again only when something new reaches
 * the AOF: with every write refused, it stayed refusing them after the disk recovered). With {@code appendfsync
 * always} the node exits instead, as Redis.
 * <p>
 * Building the shim needs a C compiler ({@code cc}); without one the test is reported as skipped.
 */
class AofFsyncFailureTest {
    private static final String MISCONF = "-MISCONF Errors writing to the AOF file: Input/output error\r\n";

    @Test
    void aFailedEverysecFsyncRefusesWritesUntilAnFsyncSucceeds() throws Exception {
        try (FailingDisk disk = FailingDisk.create()) {
            try (RawClient c = new RawClient(disk.start("everysec"))) {
                assertThat(c.callText("SET", "a", "1")).isEqualTo("+OK\r\n");
                disk.failFsyncs(true);
                assertThat(c.callText("SET", "b", "2")).isEqualTo("+OK\r\n"); // written; its fsync comes later
                AofTestSupport.awaitInfo(c, "aof_last_write_status:err", 5_000);
                assertThat(c.callText("SET", "c", "3")).isEqualTo(MISCONF);
                assertThat(c.callText("PING")).isEqualTo(MISCONF);
                assertThat(c.callText("GET", "a")).isEqualTo("$1\r\n1\r\n");
                AofTestSupport.sleep(2_500); // the writer goes on, idle; the fsync is retried, and fails again
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_write_status:err");
                assertThat(c.callText("SET", "c", "3")).isEqualTo(MISCONF);

                disk.failFsyncs(false);
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 5_000);
                assertThat(c.callText("SET", "c", "3")).isEqualTo("+OK\r\n");
            }
            assertThat(disk.log()).containsOnlyOnce("AOF fsync failed: Input/output error");
            try (RawClient c = new RawClient(disk.restart("everysec"))) {
                assertThat(c.callText("MGET", "a", "b", "c")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
            }
        }
    }

    /**
     * With {@code appendfsync always} a failed fsync cannot be taken back either: the node logs Redis's line and
     * exits with status 1, without answering the write whose fsync failed.
     */
    @Test
    void withAppendfsyncAlwaysAFailedFsyncEndsTheNode() throws Exception {
        try (FailingDisk disk = FailingDisk.create()) {
            try (RawClient c = new RawClient(disk.start("always"))) {
                assertThat(c.callText("SET", "a", "1")).isEqualTo("+OK\r\n");
                disk.failFsyncs(true);
                c.callText("SET", "b", "2");
                throw new AssertionError("the write whose fsync failed was answered");
            } catch (IOException closed) {
                // the node exited without answering
            }
            assertThat(disk.node.waitFor(10, TimeUnit.SECONDS)).as("the node exits by itself").isTrue();
            assertThat(disk.node.exitValue()).isEqualTo(1);
            assertThat(disk.log()).contains("Can't persist AOF for fsync error when the AOF fsync policy is 'always': "
                    + "Input/output error. Exiting...");
            disk.failFsyncs(false);
            try (RawClient c = new RawClient(disk.restart("always"))) {
                assertThat(c.callText("GET", "a")).isEqualTo("$1\r\n1\r\n");
            }
        }
    }

    /**
     * A node process on a directory of its own whose fsync and fdatasync fail while {@link #failFsyncs} says so
     * (the shim, built here: without a C compiler the test is skipped); deleted on close.
     */
    private static final class FailingDisk implements AutoCloseable {
        private final Path dir;
        private final Path shim;
        private final Path marker;
        private final Path log;
        private final Path data;
        Process node;

        private FailingDisk(Path dir, Path shim) throws IOException {
            this.dir = dir;
            this.shim = shim;
            this.marker = dir.resolve("fail-fsync");
            this.log = dir.resolve("node.log");
            this.data = Files.createDirectories(dir.resolve("data"));
        }

        static FailingDisk create() throws Exception {
            Path dir = Files.createTempDirectory("larder-aof-fsync");
            Path shim = compileShim(dir);
            if (shim == null) {
                AofTestSupport.deleteTree(dir);
            }
            assumeTrue(shim != null, "needs a C compiler (cc) to build the fsync shim: not run");
            return new FailingDisk(dir, shim);
        }

        /** Starts the node with the shim preloaded and waits until it answers; returns its port. */
        int start(String appendfsync) throws Exception {
            int port = RedisServerProcess.freePort();
            ProcessBuilder builder = AofCrashTest.node(data, log, port, appendfsync);
            builder.environment().put("LD_PRELOAD", shim.toString());
            builder.environment().put("FAIL_FSYNC_WHILE", marker.toString());
            node = builder.start();
            AofCrashTest.awaitReady(port, node);
            return port;
        }

        /** Stops the node (SIGTERM) and starts one without the shim on the same files; returns its port. */
        int restart(String appendfsync) throws Exception {
            stopNode();
            int port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(data, log, port, appendfsync);
            AofCrashTest.awaitReady(port, node);
            return port;
        }

        void failFsyncs(boolean fail) throws IOException {
            if (fail) {
                Files.createFile(marker);
            } else {
                Files.delete(marker);
            }
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        private void stopNode() throws InterruptedException {
            if (node != null) {
                node.destroy();
                if (!node.waitFor(10, TimeUnit.SECONDS)) {
                    node.destroyForcibly().waitFor();
                }
            }
        }

        @Override
        public void close() throws Exception {
            stopNode();
            AofTestSupport.deleteTree(dir);
        }
    }

    /** Builds the shim into {@code dir}; null when there is no C compiler. */
    private static Path compileShim(Path dir) throws Exception {
        Path source = dir.resolve("failfsync.c");
        try (InputStream in = AofFsyncFailureTest.class.getResourceAsStream("/aof/failfsync.c")) {
            Files.copy(in, source);
        }
        Path library = dir.resolve("failfsync.so");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString(), "-ldl")
                    .redirectErrorStream(true).start();
        } catch (IOException noCompiler) {
            return null;
        }
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("cc: " + output).isZero();
        return library;
    }
}
