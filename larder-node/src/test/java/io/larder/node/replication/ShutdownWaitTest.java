package io.larder.node.replication;

import io.larder.node.testing.ClosingTestBase;
import io.larder.node.testing.LarderProcess;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.larder.node.replication.ReplicationRestartTest.awaitClosed;
import static io.larder.node.replication.ReplicationRestartTest.info;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SHUTDOWN on a primary waits for its replicas, as Redis 7's does: writes are paused, the replicas are asked for
 * an ACK, and the node exits once every replica acknowledged the whole stream, or after shutdown-timeout; NOW does
 * not wait, ABORT cancels (the waiting client gets the error, writes resume), and a save that fails keeps the node
 * up. The replicas here are raw sockets that acknowledge only when told, and a real replica under a write load.
 */
class ShutdownWaitTest extends ClosingTestBase {
    /** A thread per waiting client: the common pool may have fewer workers than clients blocked at once. */
    private static final java.util.concurrent.Executor CLIENTS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shutdown-test-client");
        t.setDaemon(true);
        return t;
    });

    private LarderServer larder(String... options) throws Exception {
        return track(LarderServer.start(options));
    }

    private RawClient raw(int port) throws IOException {
        return track(new RawClient(port));
    }

    /** A replica that takes the snapshot and the stream and acknowledges only what it is told to. */
    private static final class SilentReplica implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;

        SilentReplica(int primaryPort, int listeningPort) throws Exception {
            socket = new Socket("127.0.0.1", primaryPort);
            out = socket.getOutputStream();
            send("REPLCONF", "listening-port", Integer.toString(listeningPort));
            assertThat(socket.getInputStream().readNBytes(5)).isEqualTo(bytes("+OK\r\n"));
            send("PSYNC", "?", "-1");
            Thread drain = new Thread(() -> { // reads whatever comes so the primary never blocks on it
                try {
                    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException closed) {
                    // the node shut down
                }
            });
            drain.setDaemon(true);
            drain.start();
        }

        void ack(long offset) throws IOException {
            send("REPLCONF", "ACK", Long.toString(offset));
        }

        private void send(String... args) throws IOException {
            byte[][] b = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                b[i] = bytes(args[i]);
            }
            out.write(RawClient.encode(b));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private SilentReplica silentReplica(LarderServer primary, int listeningPort) throws Exception {
        return silentReplica(primary.port(), listeningPort);
    }

    private SilentReplica silentReplica(int primaryPort, int listeningPort) throws Exception {
        SilentReplica r = new SilentReplica(primaryPort, listeningPort);
        track(r);
        RawClient c = new RawClient(primaryPort);
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!c.callText("INFO", "replication").contains("port=" + listeningPort + ",state=online")) {
                assertThat(System.currentTimeMillis()).as("the replica is online").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            c.close();
        }
        return r;
    }

    /** SHUTDOWN sent on its own connection; the future completes with its reply, or "closed" when none came. */
    private static CompletableFuture<String> shutdownAsync(int port, String... args) throws IOException {
        RawClient c = new RawClient(port);
        String[] all = new String[args.length + 1];
        all[0] = "SHUTDOWN";
        System.arraycopy(args, 0, all, 1, args.length);
        return CompletableFuture.supplyAsync(() -> {
            try (c) {
                return c.callText(all);
            } catch (IOException closed) {
                return "closed";
            }
        }, CLIENTS);
    }

    private static long offset(RawClient c) throws IOException {
        String infoText = c.callText("INFO", "replication");
        int at = infoText.indexOf("master_repl_offset:") + "master_repl_offset:".length();
        return Long.parseLong(infoText.substring(at, infoText.indexOf('\r', at)));
    }

    @Test
    void waitsWithWritesPausedUntilEveryReplicaAcknowledgedThenExits() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "30");
        RawClient c = raw(primary.port());
        SilentReplica one = silentReplica(primary, 7001);
        SilentReplica two = silentReplica(primary, 7002);
        assertThat(c.callText("SET", "k", "v")).isEqualTo("+OK\r\n");

        CompletableFuture<String> shutdown = shutdownAsync(primary.port());
        awaitInfo(c, "shutdown_in_milliseconds:");
        CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
            try (RawClient w = new RawClient(primary.port())) {
                return w.callText("SET", "during", "1");
            } catch (IOException closed) {
                return "closed";
            }
        }, CLIENTS);
        assertThat(c.callText("GET", "k")).as("reads are served").isEqualTo("$1\r\nv\r\n");
        Thread.sleep(300);
        assertThat(write).as("writes wait").isNotDone();
        assertThat(shutdown).as("no reply while waiting").isNotDone();

        long end = offset(c); // the stream's end, REPLCONF GETACK included
        one.ack(end);
        Thread.sleep(300);
        assertThat(shutdown).as("one replica is still behind").isNotDone();
        two.ack(end);
        assertThat(shutdown.get(10, TimeUnit.SECONDS)).isEqualTo("closed");
        assertThat(write.get(10, TimeUnit.SECONDS)).as("the paused write was never run").isEqualTo("closed");
        awaitClosed(primary.port());
    }

    @Test
    void exitsAfterTheTimeoutWhenAReplicaNeverCatchesUp() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "1");
        RawClient c = raw(primary.port());
        silentReplica(primary, 7003);
        c.callText("SET", "k", "v");
        long asked = System.currentTimeMillis();
        assertThat(shutdownAsync(primary.port()).get(10, TimeUnit.SECONDS)).isEqualTo("closed");
        assertThat(System.currentTimeMillis() - asked).isGreaterThanOrEqualTo(1000);
        awaitClosed(primary.port());
    }

    @Test
    void nowAndAZeroTimeoutDoNotWait() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "30");
        silentReplica(primary, 7004);
        raw(primary.port()).callText("SET", "k", "v");
        assertThat(shutdownAsync(primary.port(), "NOW").get(5, TimeUnit.SECONDS)).isEqualTo("closed");
        awaitClosed(primary.port());

        LarderServer other = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "0");
        silentReplica(other, 7005);
        raw(other.port()).callText("SET", "k", "v");
        assertThat(shutdownAsync(other.port()).get(5, TimeUnit.SECONDS)).isEqualTo("closed");
        awaitClosed(other.port());
    }

    @Test
    void abortCancelsAWaitingShutdownAndWritesResume() throws Exception {
        LarderServer primary = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "30");
        RawClient c = raw(primary.port());
        silentReplica(primary, 7006);
        c.callText("SET", "k", "v");
        CompletableFuture<String> first = shutdownAsync(primary.port());
        awaitInfo(c, "shutdown_in_milliseconds:");
        CompletableFuture<String> second = shutdownAsync(primary.port(), "NOW"); // joins the one under way
        CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
            try (RawClient w = new RawClient(primary.port())) {
                return w.callText("SET", "during", "1");
            } catch (IOException closed) {
                return "closed";
            }
        }, CLIENTS);
        Thread.sleep(300);
        assertThat(second).isNotDone();
        assertThat(write).isNotDone();

        assertThat(c.callText("SHUTDOWN", "ABORT")).isEqualTo("+OK\r\n");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
        assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo("+OK\r\n");
        assertThat(c.callText("INFO", "server")).doesNotContain("shutdown_in_milliseconds");
        assertThat(c.callText("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
        assertThat(c.callText("GET", "during")).isEqualTo("$1\r\n1\r\n");
    }

    @Test
    void aSaveThatFailsAfterTheWaitKeepsTheNodeUpUnlessForced() throws Exception {
        Path dir = Files.createTempDirectory("larder-shutdown-");
        LarderServer primary = larder("--repl-diskless-sync", "no", "--shutdown-timeout", "1", "--dir", dir.toString());
        RawClient c = raw(primary.port());
        silentReplica(primary, 7007);
        c.callText("SET", "k", "v");
        // The save's directory is gone: SHUTDOWN SAVE waits for the replica (it never catches up), then fails.
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThat(shutdownAsync(primary.port(), "SAVE").get(10, TimeUnit.SECONDS))
                .isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
        assertThat(c.callText("SET", "after", "1")).as("writes resumed").isEqualTo("+OK\r\n");
        assertThat(shutdownAsync(primary.port(), "SAVE", "NOW").get(10, TimeUnit.SECONDS))
                .isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
        assertThat(shutdownAsync(primary.port(), "SAVE", "FORCE").get(10, TimeUnit.SECONDS)).isEqualTo("closed");
        awaitClosed(primary.port());
    }

    @Test
    void everyWriteAcknowledgedBeforeTheShutdownIsOnTheReplica() throws Exception {
        LarderServer primary = larder("--shutdown-timeout", "10", "--repl-diskless-sync-delay", "0");
        LarderServer replica = larder("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
        try (Jedis p = new Jedis("127.0.0.1", primary.port(), 30_000)) {
            ReplicaOfRedisTest.awaitCaughtUp(p, replica);
        }
        AtomicLong acknowledged = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", primary.port(), 30_000)) {
                    while (true) {
                        j.incr("acked");
                        acknowledged.incrementAndGet();
                    }
                } catch (JedisConnectionException e) {
                    // the primary shut down
                }
            });
            t.start();
            writers.add(t);
        }
        Thread.sleep(500);
        assertThat(shutdownAsync(primary.port()).get(15, TimeUnit.SECONDS)).isEqualTo("closed");
        for (Thread t : writers) {
            t.join(10_000);
        }
        assertThat(acknowledged.get()).isPositive();
        try (Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
            assertThat(r.get("acked")).as("the replica holds every acknowledged write")
                    .isEqualTo(Long.toString(acknowledged.get()));
            assertThat(info(r, "master_link_status")).isEqualTo("down");
        }
    }

    @Test
    void sigtermWaitsForTheReplicasTooUnlessShutdownOnSigtermSaysNow() throws Exception {
        Path dir = Files.createTempDirectory("larder-sigterm-");
        LarderProcess primary = LarderProcess.start(RedisServerProcess.freePort(), dir, "--repl-diskless-sync", "no",
                "--shutdown-timeout", "30", "--save", "");
        track(primary);
        RawClient c = raw(primary.port());
        SilentReplica replica = silentReplica(primary.port(), 7008);
        c.callText("SET", "k", "v");
        primary.process().destroy(); // SIGTERM
        awaitInfo(c, "shutdown_in_milliseconds:");
        Thread.sleep(300);
        assertThat(primary.process().isAlive()).as("waiting for the replica").isTrue();
        replica.ack(offset(c));
        assertThat(primary.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(primary.process().exitValue()).isZero();
        assertThat(primary.log()).contains("Received SIGTERM scheduling shutdown...", "User requested shutdown...",
                "Waiting for replicas before shutting down.", "1 of 1 replicas are in sync when shutting down.");

        LarderProcess now = LarderProcess.start(RedisServerProcess.freePort(), dir, "--repl-diskless-sync", "no",
                "--shutdown-timeout", "30", "--save", "", "--shutdown-on-sigterm", "now");
        track(now);
        silentReplica(now.port(), 7009);
        raw(now.port()).callText("SET", "k", "v");
        now.process().destroy();
        assertThat(now.process().waitFor(5, TimeUnit.SECONDS)).as("no wait with shutdown-on-sigterm now").isTrue();
    }

    private static void awaitInfo(RawClient c, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.callText("INFO").contains(text)) {
            assertThat(System.currentTimeMillis()).as("waiting for " + text).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
