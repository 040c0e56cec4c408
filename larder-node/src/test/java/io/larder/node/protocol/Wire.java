package io.larder.node.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Sends raw bytes on a fresh connection and records everything the server answers, and whether it hung up. */
final class Wire {
    /** Own threads: the common pool may have a single worker, which a blocked exchange would starve. */
    static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private Wire() {
    }

    /** What came back: the reply bytes, and whether the server closed the connection. */
    record Outcome(byte[] reply, boolean closed) {
        @Override
        public String toString() {
            return (closed ? "closed after " : "open after ") + printable(reply);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && closed == other.closed && java.util.Arrays.equals(reply, other.reply);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(reply) * 31 + Boolean.hashCode(closed);
        }

        String text() {
            return new String(reply, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Sends {@code bytes}, then reads until the server closes or stays silent for {@code quietMillis}. A server
     * that closes while the bytes are still being sent is fine: what it answered before is still read.
     */
    static Outcome exchange(int port, byte[] bytes, int quietMillis) throws IOException {
        return exchange(port, bytes, quietMillis, 0);
    }

    /** As {@link #exchange(int, byte[], int)}, but silence only counts once {@code minBytes} have arrived. */
    static Outcome exchange(int port, byte[] bytes, int quietMillis, int minBytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setTcpNoDelay(true);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(bytes);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // the server closed on us mid-write: what it replied is what we compare
                }
            }, THREADS);
            s.setSoTimeout(quietMillis);
            long giveUp = System.currentTimeMillis() + 30_000;
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            boolean closed;
            while (true) {
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    out.write(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    if ((!writer.isDone() || out.size() < minBytes) && System.currentTimeMillis() < giveUp) {
                        continue;
                    }
                    closed = false;
                    break;
                } catch (IOException e) {
                    closed = true; // reset by the server
                    break;
                }
            }
            s.close(); // unblocks a writer the server stopped reading from
            writer.join();
            return new Outcome(out.toByteArray(), closed);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String printable(byte[] reply) {
        StringBuilder s = new StringBuilder();
        int shown = Math.min(reply.length, 300);
        for (int i = 0; i < shown; i++) {
            int c = reply[i] & 0xff;
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                default -> s.append(c < 32 || c > 126 ? String.format("\\x%02x", c) : String.valueOf((char) c));
            }
        }
        return reply.length > shown ? s + "...(" + reply.length + " bytes)" : s.toString();
    }
}
