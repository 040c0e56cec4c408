package io.larder.node.persistence.aof;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a node under a write load with {@code appendfsync always}: after each restart every
 * acknowledged write is there (several rounds on the same AOF, torn tails included).
 */
class AofCrashTest {
    private static final int WRITERS = 4;

    @Test
    void everyAcknowledgedWriteSurvivesKill9WithAppendfsyncAlways() throws Exception {
        Path dir = Files.createTempDirectory("larder-aof-crash");
        Random random = new Random(7);
        // Per writer: the highest sequence number acknowledged in any round.
        long[] acked = new long[WRITERS];
        try {
            for (int round = 0; round < 4; round++) {
                int port = RedisServerProcess.freePort();
                Process node = startNode(dir, port);
                try {
                    awaitReady(port, node);
                    verify(port, acked);
                    AtomicLongArray ackedNow = new AtomicLongArray(WRITERS);
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    List<Thread> writers = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        int id = w;
                        long from = acked[w] + 1;
                        Thread t = new Thread(() -> write(port, id, from, ackedNow));
                        t.setUncaughtExceptionHandler((thread, e) -> failure.set(e));
                        t.start();
                        writers.add(t);
                    }
                    Thread.sleep(300 + random.nextInt(700));
                    node.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                    node.waitFor();
                    for (Thread t : writers) {
                        t.join();
                    }
                    assertThat(failure.get()).isNull();
                    for (int w = 0; w < WRITERS; w++) {
                        assertThat(ackedNow.get(w)).as("writer %d wrote in round %d", w, round).isGreaterThan(acked[w]);
                        acked[w] = ackedNow.get(w);
                    }
                } finally {
                    node.destroyForcibly();
                    node.waitFor();
                }
            }
            int port = RedisServerProcess.freePort();
            Process node = startNode(dir, port);
            try {
                awaitReady(port, node);
                verify(port, acked);
            } finally {
                node.destroyForcibly();
                node.waitFor();
            }
        } finally {
            AofTestSupport.deleteTree(dir);
        }
    }

    /** SET w{id}:{seq} and INCR c{id}, one at a time; remembers each acknowledged seq; ends when the node dies. */
    private static void write(int port, int id, long from, AtomicLongArray acked) {
        try (RawClient c = new RawClient(port)) {
            for (long seq = from; ; seq++) {
                String reply = c.callText("SET", "w" + id + ":" + seq, Long.toString(seq));
                if (!reply.equals("+OK\r\n")) {
                    throw new AssertionError(reply);
                }
                // One INCR per SET; an INCR that reached the disk but not the client before a kill counts too.
                String incr = c.callText("INCR", "c" + id);
                if (Long.parseLong(incr.substring(1).trim()) < seq) {
                    throw new AssertionError("INCR c" + id + " gave " + incr.trim() + " at " + seq);
                }
                acked.set(id, seq);
            }
        } catch (IOException e) {
            // the node was killed
        }
    }

    private static void verify(int port, long[] acked) throws IOException {
        try (RawClient c = new RawClient(port)) {
            for (int w = 0; w < WRITERS; w++) {
                if (acked[w] == 0) {
                    continue;
                }
                // The counter may be ahead (written, not yet acknowledged when killed), never behind.
                String counter = c.callText("GET", "c" + w);
                long value = Long.parseLong(counter.split("\r\n")[1]);
                assertThat(value).as("counter of writer %d", w).isGreaterThanOrEqualTo(acked[w]);
                for (long seq = 1; seq <= acked[w]; seq++) {
                    assertThat(c.callText("EXISTS", "w" + w + ":" + seq)).as("w%d:%d", w, seq).isEqualTo(":1\r\n");
                }
            }
        }
    }

    private static Process startNode(Path dir, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.larder.node.server.NodeMain", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always");
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile())).start();
    }

    private static void awaitReady(int port, Process node) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (!node.isAlive()) {
                throw new AssertionError("the node exited with " + node.exitValue());
            }
            try (RawClient c = new RawClient(port)) {
                if (c.callText("PING").equals("+PONG\r\n")) {
                    return;
                }
                Thread.sleep(20); // -LOADING: the AOF is still being loaded
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the node did not start");
    }
}
