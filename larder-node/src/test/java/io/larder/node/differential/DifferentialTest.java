package io.larder.node.differential;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import io.larder.resp.InlineSplitter;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

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
 * Runs every script in {@code src/test/resources/differential/} against a real redis-server and against
 * Larder, and requires byte-identical replies.
 * <p>
 * Script format: one command per line in redis-cli quoting ({@code SET k "a b"}, {@code "\x00"} escapes);
 * {@code #} starts a comment. Both servers start each script from FLUSHALL on fresh connections.
 * A line {@code @resp3} switches both connections to HELLO 3 for the lines that follow.
 */
class DifferentialTest extends OracleTestBase {
    /** DEBUG is refused by default on both servers; the scripts exercise it. */
    @Override
    protected String[] serverOptions() {
        return new String[]{"--enable-debug-command", "yes"};
    }

    @TestFactory
    Stream<DynamicContainer> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/differential").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(this::script);
    }

    private DynamicContainer script(Path file) {
        return DynamicContainer.dynamicContainer(file.getFileName().toString(), Stream.of(
                DynamicTest.dynamicTest("same replies", () -> runScript(file))));
    }

    private void runScript(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try (RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            expected.call("FLUSHALL");
            actual.call("FLUSHALL");
            List<String> mismatches = new ArrayList<>();
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.equals("@resp3")) {
                    expected.call("HELLO", "3");
                    actual.call("HELLO", "3");
                    continue;
                }
                byte[][] argv = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
                assertThat(argv).as("%s:%d unparsable line", file.getFileName(), n + 1).isNotNull();
                String want = printable(expected.call(argv));
                String got = printable(actual.call(argv));
                if (!want.equals(got)) {
                    mismatches.add(String.format("%s:%d  %s%n    redis:  %s%n    larder: %s",
                            file.getFileName(), n + 1, line, want, got));
                }
            }
            assertThat(mismatches).as("replies that differ from redis-server").isEmpty();
        }
    }

    private static String printable(byte[] reply) {
        StringBuilder s = new StringBuilder();
        for (byte b : reply) {
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
