package io.larder.node.differential;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import io.larder.resp.InlineSplitter;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyspace notifications, differentially: every script in {@code src/test/resources/notifications/} runs
 * against redis-server and Larder once per notify-keyspace-events setting in {@link #CLASS_SETTINGS}, with a
 * {@code PSUBSCRIBE *} connection on each server, and each command must publish the same messages (channel and
 * payload, in the same order) on both. Replies are compared too, so a script that drifts apart shows where.
 * <p>
 * After each command the command connection PUBLISHes a marker, which the subscriber receives after every
 * event the command published (both servers publish events before replying); the messages before the marker
 * are that command's. Active expiry is off on both servers (DEBUG SET-ACTIVE-EXPIRE 0) so that expiries happen
 * exactly where the script touches an expired key.
 * <p>
 * Script format: as the differential scripts (one command a line, redis-cli quoting, {@code #} comments), plus
 * {@code @sleep <ms>}; {@code @random <command>} for a command whose reply is a random choice (SPOP): only its
 * events are compared; and {@code @blocked <command>} which sends a blocking command on a connection of its own
 * (database 0), waits until both servers report it blocked, and compares its reply after the next command.
 */
class KeyspaceNotificationsTest extends OracleTestBase {
    /** Each class on its own (K or E chosen so both prefixes get exercised), combinations, and nothing. */
    private static final List<String> CLASS_SETTINGS = List.of(
            "KEA", "KEAnm", "K$", "Eg", "Kl", "Es", "Kh", "Ez", "Kx", "Ee", "En", "Km", "Em", "Elg", "A", "");
    private static final String MARKER = "notifications-test-marker";

    @Override
    protected String[] serverOptions() {
        return new String[]{"--enable-debug-command", "yes"};
    }

    @TestFactory
    Stream<DynamicContainer> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/notifications").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(file -> DynamicContainer.dynamicContainer(file.getFileName().toString(),
                CLASS_SETTINGS.stream().map(classes -> DynamicTest.dynamicTest(
                        "notify-keyspace-events \"" + classes + "\"", () -> runScript(file, classes)))));
    }

    /** The harness itself: what both servers publish for one SET is seen, and is what Redis documents. */
    @Test
    void theSubscriberSeesBothChannelsOfAnEvent() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            try (Side side = new Side(port, "KEA")) {
                side.commands.call("SET", "k", "v");
                assertThat(side.messagesUntilMarker(1)).containsExactly("__keyspace@0__:k set", "__keyevent@0__:set k");
            }
        }
    }

    /** One server's connections: commands, the pattern subscriber, and one for a blocking command. */
    private static final class Side implements AutoCloseable {
        final int port;
        final RawClient commands;
        final RawClient subscriber;
        RawClient blocked;

        Side(int port, String classes) throws IOException {
            this.port = port;
            commands = new RawClient(port);
            commands.call("FLUSHALL");
            commands.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            assertThat(commands.callText("CONFIG", "SET", "notify-keyspace-events", classes)).isEqualTo("+OK\r\n");
            subscriber = new RawClient(port);
            subscriber.call("PSUBSCRIBE", "*");
        }

        /** The messages the subscriber got up to the marker numbered {@code n}, as "channel message" lines. */
        List<String> messagesUntilMarker(int n) throws IOException {
            commands.call("PUBLISH", MARKER, Integer.toString(n));
            List<String> out = new ArrayList<>();
            while (true) {
                List<byte[]> push = parseArray(subscriber.readReply());
                String channel = printable(push.get(2));
                String message = printable(push.get(3));
                if (channel.equals(MARKER) && message.equals(Integer.toString(n))) {
                    return out;
                }
                out.add(channel + " " + message);
            }
        }

        void block(byte[][] argv) throws IOException {
            if (blocked == null) {
                blocked = new RawClient(port);
            }
            blocked.send(argv);
            long deadline = System.currentTimeMillis() + 5000;
            while (!commands.callText("INFO", "clients").contains("blocked_clients:1\r\n")) {
                assertThat(System.currentTimeMillis()).as("client blocked in time").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws IOException {
            commands.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            commands.call("CONFIG", "SET", "notify-keyspace-events", "");
            commands.close();
            subscriber.close();
            if (blocked != null) {
                blocked.close();
            }
        }
    }

    private void runScript(Path file, String classes) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> mismatches = new ArrayList<>();
        try (Side expected = new Side(redis.port(), classes); Side actual = new Side(larder.port(), classes)) {
            boolean queuing = false;
            boolean blockedPending = false;
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String where = file.getFileName() + ":" + (n + 1) + "  " + line;
                if (line.startsWith("@sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(7).strip()));
                    continue;
                }
                boolean blocking = line.startsWith("@blocked ");
                boolean random = line.startsWith("@random ");
                String command = blocking ? line.substring(9) : random ? line.substring(8) : line;
                byte[][] argv = InlineSplitter.split(command.getBytes(StandardCharsets.UTF_8));
                assertThat(argv).as("%s: unparsable line", where).isNotNull();
                if (blocking) {
                    expected.block(argv);
                    actual.block(argv);
                    blockedPending = true;
                    continue;
                }
                String want = printable(expected.commands.call(argv));
                String got = printable(actual.commands.call(argv));
                if (!random) {
                    compare(mismatches, where, "reply", want, got);
                }
                String name = new String(argv[0], StandardCharsets.UTF_8);
                if (name.equalsIgnoreCase("multi")) {
                    queuing = true;
                } else if (name.equalsIgnoreCase("exec") || name.equalsIgnoreCase("discard")) {
                    queuing = false;
                }
                if (queuing) {
                    continue; // a marker PUBLISH would be queued; the events come with EXEC
                }
                compare(mismatches, where, "events",
                        String.join("\n             ", expected.messagesUntilMarker(n)),
                        String.join("\n             ", actual.messagesUntilMarker(n)));
                if (blockedPending) {
                    compare(mismatches, where, "blocked reply",
                            printable(expected.blocked.readReply()), printable(actual.blocked.readReply()));
                    blockedPending = false;
                }
            }
        }
        assertThat(mismatches).as("notify-keyspace-events \"%s\": commands whose events differ from redis-server",
                classes).isEmpty();
    }

    private static void compare(List<String> mismatches, String where, String what, String want, String got) {
        if (!want.equals(got)) {
            mismatches.add(String.format("%s%n  %s%n    redis:   %s%n    larder:  %s", where, what, want, got));
        }
    }

    /** The elements of a RESP2 array of bulk strings (a pmessage). */
    private static List<byte[]> parseArray(byte[] raw) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(raw);
        String header = line(in);
        assertThat(header).startsWith("*");
        int n = Integer.parseInt(header.substring(1));
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = Integer.parseInt(line(in).substring(1));
            out.add(in.readNBytes(length));
            in.skipNBytes(2);
        }
        return out;
    }

    private static String line(ByteArrayInputStream in) {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            s.append((char) c);
        }
        in.read();
        return s.toString();
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c < 32 || c > 126) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.toString();
    }
}
