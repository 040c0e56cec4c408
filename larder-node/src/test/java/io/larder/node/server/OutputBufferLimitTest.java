package io.larder.node.server;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** client-output-buffer-limit's normal class: clients (monitors included) that do not read their replies. */
class OutputBufferLimitTest {
    private static final int VALUE_BYTES = 8 << 20;

    /** A connection with a small receive buffer, that sends and reads only when told. */
    private static Socket lazyReader(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(64 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String... args) throws IOException {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        s.getOutputStream().write(RawClient.encode(raw));
    }

    /** Reads until the server closes the connection; the bytes read. */
    private static long drainToEnd(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
            }
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return total;
    }

    private static long readBytes(Socket s, long count) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        while (total < count) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, count - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void storeBigValue(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            assertThat(c.callText("SET", "big", "x".repeat(VALUE_BYTES))).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void aClientOverTheHardLimitIsClosed() throws Exception {
        try (LarderServer server = LarderServer.start("--client-output-buffer-limit", "normal 1mb 0 0");
             Socket lazy = lazyReader(server.port())) {
            storeBigValue(server.port());
            send(lazy, "GET", "big");
            send(lazy, "GET", "big");
            send(lazy, "GET", "big");
            Thread.sleep(500); // the replies pile up on the server's side of the socket
            long received = drainToEnd(lazy);
            assertThat(received).isLessThan(3L * VALUE_BYTES);
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void withoutLimitsASlowReaderGetsEverything() throws Exception {
        try (LarderServer server = LarderServer.start(); Socket lazy = lazyReader(server.port())) {
            storeBigValue(server.port());
            send(lazy, "GET", "big");
            send(lazy, "GET", "big");
            send(lazy, "GET", "big");
            Thread.sleep(500);
            long reply = ("$" + VALUE_BYTES + "\r\n").length() + VALUE_BYTES + 2;
            assertThat(readBytes(lazy, 3 * reply)).isEqualTo(3 * reply);
        }
    }

    @Test
    void aMonitorThatDoesNotReadIsClosedAfterTheSoftLimitsSeconds() throws Exception {
        try (LarderServer server = LarderServer.start("--client-output-buffer-limit", "normal 0 256kb 1");
             Socket monitor = lazyReader(server.port());
             RawClient writer = new RawClient(server.port())) {
            send(monitor, "MONITOR");
            assertThat(readBytes(monitor, 5)).isEqualTo(5); // +OK\r\n
            assertThat(writer.callText("PING")).isEqualTo("+PONG\r\n");
            String value = "v".repeat(32 * 1024);
            long start = System.currentTimeMillis();
            while (monitorConnected(server) && System.currentTimeMillis() - start < 20_000) {
                assertThat(writer.callText("SET", "k", value)).isEqualTo("+OK\r\n");
            }
            long elapsed = System.currentTimeMillis() - start;
            assertThat(monitorConnected(server)).isFalse();
            assertThat(server.node().clients()).hasSize(1);
            // Closed for staying over the soft limit, not at once.
            assertThat(elapsed).isGreaterThanOrEqualTo(1000);
            assertThat(drainToEnd(monitor)).isGreaterThan(0);
            assertThat(writer.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private static boolean monitorConnected(LarderServer server) {
        return server.node().clients().stream().anyMatch(Client::monitor);
    }
}
