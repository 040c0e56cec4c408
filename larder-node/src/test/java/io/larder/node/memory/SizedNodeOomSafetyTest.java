package io.larder.node.memory;

import io.larder.node.testing.NodeProcess;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node in its own JVM, sized by {@link NodeSizing} for maxmemory 32mb as the launcher does, hammered at once
 * by big values (up to half of maxmemory, and one announced at proto-max-bulk-len), many clients, pipelined
 * writes, arguments streamed slowly, and a pub/sub subscriber that never reads. Throughout, a watcher asks PING
 * and reads the process's VmRSS. The node must never throw OutOfMemoryError, answer every PING, keep its
 * resident size within {@link NodeSizing#residentBound}, and afterwards keep used_memory within maxmemory after
 * each write (allkeys-lru) or refuse writes with OOM (noeviction).
 */
class SizedNodeOomSafetyTest {
    private static final long MB = 1024 * 1024;
    private static final long MAXMEMORY = 32 * MB;
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private static final int[] SIZES = {1024, 256 * 1024, (int) MB, 4 * (int) MB, 8 * (int) MB, 16 * (int) MB};

    @Test
    void staysUpAndWithinBoundsUnderMemoryPressure() throws Exception {
        try (NodeProcess node = NodeProcess.start(MAXMEMORY, "--maxmemory-policy", "allkeys-lru")) {
            Watcher watcher = new Watcher(node);
            Thread watch = Thread.ofPlatform().name("watcher").start(watcher);
            ExecutorService pool = Executors.newFixedThreadPool(14);
            try {
                List<Future<?>> load = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int id = w;
                    load.add(pool.submit(() -> bigWriter(node.port(), id, 40)));
                }
                for (int w = 0; w < 4; w++) {
                    int id = w;
                    load.add(pool.submit(() -> pipelinedWriter(node.port(), id, 15, 500)));
                }
                load.add(pool.submit(() -> slowSubscriberAndPublisher(node.port())));
                for (int w = 0; w < 4; w++) {
                    load.add(pool.submit(() -> slowBigArgument(node.port(), 15 * (int) MB)));
                }
                load.add(pool.submit(() -> oversizedArgument(node.port())));
                for (Future<?> f : load) {
                    f.get(240, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            try (RawClient c = new RawClient(node.port())) {
                // One writer alone: used_memory is within maxmemory once each write has completed.
                for (int i = 0; i < 60; i++) {
                    int size = SIZES[i % SIZES.length];
                    assertThat(c.call("SET".getBytes(StandardCharsets.US_ASCII), key("seq", i), value(size, i)))
                            .asString(StandardCharsets.US_ASCII).as("SET of %d bytes", size).isEqualTo("+OK\r\n");
                    assertThat(usedMemory(c)).as("used_memory after write %d", i).isLessThanOrEqualTo(MAXMEMORY);
                }
                assertThat(c.callText("INFO", "stats")).containsPattern("evicted_keys:[1-9]");

                // noeviction: writes are refused once full, the crossing write at most one value over.
                assertThat(c.callText("CONFIG", "SET", "maxmemory-policy", "noeviction")).isEqualTo("+OK\r\n");
                int refused = 0;
                for (int i = 0; i < 60; i++) {
                    String reply = new String(c.call("SET".getBytes(StandardCharsets.US_ASCII), key("full", i),
                            value((int) MB, i)), StandardCharsets.US_ASCII);
                    if (reply.equals(OOM)) {
                        refused++;
                    } else {
                        assertThat(reply).isEqualTo("+OK\r\n");
                        assertThat(refused).as("a write accepted after a refusal").isZero();
                    }
                    assertThat(usedMemory(c)).isLessThanOrEqualTo(MAXMEMORY + 2 * MB);
                }
                assertThat(refused).isGreaterThan(20);
                assertThat(c.callText("DBSIZE")).matches(":[1-9][0-9]*\r\n"); // reads still served
                assertThat(c.callText("DEL", "never-written")).isEqualTo(":0\r\n");
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
            watcher.stop = true;
            watch.join();
            long bound = NodeSizing.residentBound(MAXMEMORY);
            System.out.printf("sized node, maxmemory %d MB: peak VmRSS %d MB (bound %d MB), slowest PING %d ms,"
                    + " evicted clients %d%n", MAXMEMORY / MB, watcher.peakRss / MB, bound / MB,
                    watcher.slowestPingMillis, evictedClients(node.port()));
            assertThat(node.alive()).isTrue();
            assertThat(node.output()).doesNotContain("OutOfMemoryError").doesNotContain("internal error");
            assertThat(watcher.failure).as("PING throughout").isNull();
            assertThat(watcher.pings).isGreaterThan(10);
            assertThat(watcher.peakRss).as("peak VmRSS").isLessThanOrEqualTo(bound);
        }
    }

    private static long evictedClients(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            return infoField(c.callText("INFO", "stats"), "evicted_clients");
        }
    }

    /** Pings on its own connection and samples VmRSS every 50 ms until stopped. */
    private static final class Watcher implements Runnable {
        private final NodeProcess node;
        volatile boolean stop;
        volatile long peakRss;
        volatile long slowestPingMillis;
        volatile int pings;
        volatile String failure;

        Watcher(NodeProcess node) {
            this.node = node;
        }

        @Override
        public void run() {
            try (RawClient c = new RawClient(node.port())) {
                while (!stop) {
                    peakRss = Math.max(peakRss, node.residentBytes());
                    long start = System.nanoTime();
                    String reply = c.callText("PING"); // the socket's 10 s timeout fails a node that stalls
                    slowestPingMillis = Math.max(slowestPingMillis, (System.nanoTime() - start) / 1_000_000);
                    if (!reply.equals("+PONG\r\n")) {
                        failure = "PING answered " + reply;
                        return;
                    }
                    pings++;
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                failure = e.toString();
            }
        }
    }

    private static byte[] key(String prefix, int i) {
        return (prefix + ":" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(int size, int seed) {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) ('a' + seed % 26));
        return v;
    }

    private static long usedMemory(RawClient c) throws IOException {
        return infoField(c.callText("INFO", "memory"), "used_memory");
    }

    private static long infoField(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " missing from INFO");
    }

    /** SETs of growing sizes; a connection closed by client eviction is opened again. */
    private static Void bigWriter(int port, int id, int writes) throws IOException {
        RawClient c = new RawClient(port);
        try {
            for (int i = 0; i < writes; i++) {
                int size = SIZES[(i + id) % SIZES.length];
                try {
                    String reply = new String(c.call("SET".getBytes(StandardCharsets.US_ASCII), key("big" + id, i % 8),
                            value(size, i)), StandardCharsets.US_ASCII);
                    assertThat(reply).isEqualTo("+OK\r\n");
                } catch (IOException closed) {
                    c.close();
                    c = new RawClient(port);
                }
            }
        } finally {
            c.close();
        }
        return null;
    }

    /**
     * Batches of SETs written at once before any reply is read. A batch (about 5 MB) waiting in the node's input
     * makes this client one of the largest: client eviction may close it, and it connects again.
     */
    private static Void pipelinedWriter(int port, int id, int batches, int perBatch) throws IOException {
        SplittableRandom random = new SplittableRandom(id);
        RawClient c = new RawClient(port);
        try {
            for (int b = 0; b < batches; b++) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < perBatch; i++) {
                    batch.writeBytes(RawClient.encode("SET".getBytes(StandardCharsets.US_ASCII),
                            key("p" + id, random.nextInt(20_000)), value(1024 + random.nextInt(8 * 1024), i)));
                }
                try {
                    c.sendRaw(batch.toByteArray());
                    for (int i = 0; i < perBatch; i++) {
                        assertThat(new String(c.readReply(), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
                    }
                } catch (IOException evicted) {
                    c.close();
                    c = new RawClient(port);
                }
            }
        } finally {
            c.close();
        }
        return null;
    }

    /**
     * A subscriber that never reads while 64 KB messages are published to it: its output buffer must be cut
     * off (client-output-buffer-limit or client eviction), never grow with the publishing.
     */
    private static Void slowSubscriberAndPublisher(int port) throws Exception {
        RawClient publisher = new RawClient(port);
        try (Socket subscriber = new Socket()) {
            subscriber.setReceiveBufferSize(4096);
            subscriber.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = subscriber.getOutputStream();
            out.write(RawClient.encode("SUBSCRIBE".getBytes(StandardCharsets.US_ASCII),
                    "news".getBytes(StandardCharsets.US_ASCII)));
            out.flush();
            byte[] message = value(64 * 1024, 7);
            long reached = 0;
            for (int i = 0; i < 2000; i++) {
                try {
                    String reply = new String(publisher.call("PUBLISH".getBytes(StandardCharsets.US_ASCII),
                            "news".getBytes(StandardCharsets.US_ASCII), message), StandardCharsets.US_ASCII);
                    reached += reply.equals(":1\r\n") ? 1 : 0;
                } catch (IOException evicted) { // client eviction may pick the publisher too: it holds arguments
                    publisher.close();
                    publisher = new RawClient(port);
                }
            }
            // 2000 x 64 KB is 125 MB; the subscriber was dropped long before that.
            assertThat(reached).isLessThan(1000);
            InputStream in = subscriber.getInputStream();
            subscriber.setSoTimeout(10_000);
            byte[] drain = new byte[64 * 1024];
            while (in.read(drain) >= 0) {
                // what was sent before the node closed the connection
            }
        } finally {
            publisher.close();
        }
        return null;
    }

    /** Announces a big argument and streams it in 1 MB pieces: the node reserves it or closes the connection. */
    private static Void slowBigArgument(int port, int size) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.sendRaw(("*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] piece = value((int) MB, 3);
            for (int sent = 0; sent < size; sent += piece.length) {
                c.sendRaw(Arrays.copyOf(piece, Math.min(piece.length, size - sent)));
                Thread.sleep(20);
            }
            c.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(c.readReply(), StandardCharsets.US_ASCII)).isIn("+OK\r\n", OOM);
        } catch (IOException closedForLackOfRoom) {
            // refused: all clients together may not hold more than the node's client budget
        }
        return null;
    }

    /** An argument announced at proto-max-bulk-len (512 MB) is refused at once, before any of it is read. */
    private static Void oversizedArgument(int port) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.sendRaw("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$536870912\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(c.readReply(), StandardCharsets.US_ASCII))
                    .isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        return null;
    }
}
