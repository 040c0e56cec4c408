package io.larder.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clients of one blocking-command scenario on one server and the transcript of the replies it records: run
 * the same scenario on redis-server and on Larder with {@link #sideBySide} and the transcripts must be equal.
 */
public final class BlockingSession implements AutoCloseable {
    @FunctionalInterface
    public interface Scenario {
        void run(BlockingSession s) throws Exception;
    }

    private final int port;
    private final boolean larder;
    private final RawClient admin;
    private final List<RawClient> clients = new ArrayList<>();
    private final List<String> transcript = new ArrayList<>();

    public BlockingSession(int port, boolean larder) throws IOException {
        this.port = port;
        this.larder = larder;
        this.admin = new RawClient(port);
        admin.call("FLUSHALL");
    }

    /** Runs {@code scenario} on redis-server, then on Larder, and demands the same transcript. */
    public static void sideBySide(OracleTestBase servers, Scenario scenario) throws Exception {
        List<String> expected;
        try (BlockingSession s = new BlockingSession(servers.redis.port(), false)) {
            scenario.run(s);
            expected = s.transcript;
        }
        try (BlockingSession s = new BlockingSession(servers.larder.port(), true)) {
            scenario.run(s);
            assertThat(s.transcript).containsExactlyElementsOf(expected);
        }
    }

    public boolean larder() {
        return larder;
    }

    public RawClient client() throws IOException {
        RawClient c = new RawClient(port);
        clients.add(c);
        return c;
    }

    /** Runs a command on the admin connection and records its reply. */
    public String call(String... args) throws IOException {
        return record(text(admin.call(args)));
    }

    /** Sends a blocking command and waits until the server counts {@code blockedAfter} blocked clients. */
    public void block(RawClient c, int blockedAfter, String... args) throws Exception {
        c.send(bytes(args));
        awaitBlocked(blockedAfter);
    }

    public void awaitBlocked(int n) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (info("blocked_clients") != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("blocked_clients never reached " + n + " on port " + port);
            }
            Thread.sleep(5);
        }
    }

    public long info(String field) throws IOException {
        String info = text(admin.call("INFO", "clients"));
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field + " in INFO");
    }

    /** An INFO field Redis 7.2 added (total_blocking_keys): the 7.0 oracle lacks it, so Larder alone is checked. */
    public void expect72(String field, long value) throws IOException {
        if (larder) {
            assertThat(info(field)).as(field).isEqualTo(value);
        }
    }

    /** Reads and records the next reply of {@code c}. */
    public String read(RawClient c) throws IOException {
        return record(text(c.readReply()));
    }

    /** Sends a command on {@code c} without reading its reply. */
    public static RawClient send(RawClient c, String... args) throws IOException {
        c.send(bytes(args));
        return c;
    }

    public String record(String reply) {
        transcript.add(reply);
        return reply;
    }

    public static byte[][] bytes(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    public static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        admin.close();
    }
}
