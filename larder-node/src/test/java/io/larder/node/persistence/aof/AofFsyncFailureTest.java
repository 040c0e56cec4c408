package io.larder.node.persistence.aof;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An everysec fdatasync that fails, on a node process whose fsync and fdatasync fail with EIO while a marker file
 * exists (a shim preloaded with LD_PRELOAD, {@code aof/failfsync.c}). As Redis: the error shows in INFO
 * ({@code aof_last_write_status:err}) and in the log, and writes and PING are refused with {@code MISCONF Errors
 * writing to the AOF file: Input/output error} while it lasts, reads still served. The fsync is retried once a
 * second, so writes are accepted again once one succeeds (Redis 7.0 tries again only when something new reaches
 * the AOF: with every write refused, it stayed refusing them after the disk recovered).
 * <p>
 * Building the shim needs a C compiler ({@code cc}); without one the test is reported as skipped.
 */
class AofFsyncFailureTest {
    private static final String MISCONF = "-MISCONF Errors writing to the AOF file: Input/output error\r\n";

    @Test
    void aFailedEverysecFsyncRefusesWritesUntilAnFsyncSucceeds() throws Exception {
        Path dir = Files.createTempDirectory("larder-aof-fsync");
        Process node = null;
        try {
            Path shim = compileShim(dir);
            assumeTrue(shim != null, "needs a C compiler (cc) to build the fsync shim: not run");
            Path marker = dir.resolve("fail-fsync");
            Path log = dir.resolve("node.log");
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = RedisServerProcess.freePort();
            ProcessBuilder builder = AofCrashTest.node(data, log, port, "everysec", "--auto-aof-rewrite-percentage", "0");
            builder.environment().put("LD_PRELOAD", shim.toString());
            builder.environment().put("FAIL_FSYNC_WHILE", marker.toString());
            node = builder.start();
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                assertThat(c.callText("SET", "a", "1")).isEqualTo("+OK\r\n");
                Files.createFile(marker);
                assertThat(c.callText("SET", "b", "2")).isEqualTo("+OK\r\n"); // written; its fsync comes later
                AofTestSupport.awaitInfo(c, "aof_last_write_status:err", 5_000);
                assertThat(c.callText("SET", "c", "3")).isEqualTo(MISCONF);
                assertThat(c.callText("PING")).isEqualTo(MISCONF);
                assertThat(c.callText("GET", "a")).isEqualTo("$1\r\n1\r\n");
                AofTestSupport.sleep(2_500); // the writer goes on, idle; the fsync is retried, and fails again
                assertThat(c.callText("INFO", "persistence")).contains("aof_last_write_status:err");
                assertThat(c.callText("SET", "c", "3")).isEqualTo(MISCONF);

                Files.delete(marker);
                AofTestSupport.awaitInfo(c, "aof_last_write_status:ok", 5_000);
                assertThat(c.callText("SET", "c", "3")).isEqualTo("+OK\r\n");
            }
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).containsOnlyOnce("AOF fsync failed: Input/output error");
            node.destroy();
            node.waitFor();
            port = RedisServerProcess.freePort();
            node = AofCrashTest.startNode(data, log, port, "everysec");
            AofCrashTest.awaitReady(port, node);
            try (RawClient c = new RawClient(port)) {
                assertThat(c.callText("MGET", "a", "b", "c")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor();
            }
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
