package io.larder.memcached.differential;

import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.MemcachedProcess;
import io.larder.memcached.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every script in {@code src/test/resources/differential} against the real memcached and Larder and demands
 * the same reply bytes for every line. Script lines:
 * <ul>
 *   <li>{@code text} — sent with C escapes decoded (\r \n \t \\ \xHH) and CRLF appended; the reply is everything up
 *       to the answer of an {@code mn} sent right after it;</li>
 *   <li>{@code < text} — sent exactly as written (no CRLF appended), then the same;</li>
 *   <li>{@code @closes text} — sent (CRLF appended); the reply is everything until the server closes, and a new
 *       connection is opened;</li>
 *   <li>{@code @names text} — compares only the names of the STAT lines of the reply (values differ by nature);</li>
 *   <li>{@code @sleep millis}; {@code #} comments.</li>
 * </ul>
 * CAS uniques differ between servers: each reply's CAS values become {@code <cas>}, and {@code $cas} in a request
 * stands for the last CAS that side returned.
 */
class DifferentialTest {
    private static final byte[] MN = "MN\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern VALUE_CAS = Pattern.compile("(?m)^(VALUE \\S+ \\d+ \\d+) (\\d+)(?=\r\n)");
    private static final Pattern META_CAS = Pattern.compile("(?m)^((?:HD|VA|EN|NF|NS|EX)(?: [^\r]*)?) c(\\d+)");
    private static final Pattern ME_CAS = Pattern.compile("cas=(\\d+)");

    private static MemcachedProcess oracle;
    private static LarderMemcached larder;

    @BeforeAll
    static void start() throws Exception {
        oracle = MemcachedProcess.start();
        larder = LarderMemcached.start();
    }

    @AfterAll
    static void stop() {
        if (larder != null) {
            larder.close();
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/differential").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    /** One server's side of a script run. */
    private static final class Side implements AutoCloseable {
        final int port;
        RawConnection conn;
        String lastCas = "0";

        Side(int port) throws IOException {
            this.port = port;
            this.conn = new RawConnection(port);
        }

        String exchange(String directive, byte[] request) throws IOException {
            byte[] withCas = new String(request, StandardCharsets.ISO_8859_1).replace("$cas", lastCas)
                    .getBytes(StandardCharsets.ISO_8859_1);
            if (directive.equals("@closes")) {
                conn.send(withCas);
                String reply = new String(conn.readToEnd(2000), StandardCharsets.ISO_8859_1);
                conn.close();
                conn = new RawConnection(port);
                return reply;
            }
            conn.send(withCas);
            conn.send("mn\r\n");
            String reply;
            try {
                reply = new String(conn.readUntil(MN), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                reply = "<" + e.getMessage() + ">";
                conn.close();
                conn = new RawConnection(port);
                return reply;
            }
            return normalise(reply.substring(0, reply.length() - MN.length));
        }

        String normalise(String reply) {
            StringBuilder sb = new StringBuilder();
            Matcher m = VALUE_CAS.matcher(reply);
            while (m.find()) {
                lastCas = m.group(2);
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + " <cas>"));
            }
            m.appendTail(sb);
            reply = sb.toString();
            sb = new StringBuilder();
            m = META_CAS.matcher(reply);
            while (m.find()) {
                lastCas = m.group(2);
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + " c<cas>"));
            }
            m.appendTail(sb);
            reply = sb.toString();
            sb = new StringBuilder();
            m = ME_CAS.matcher(reply);
            while (m.find()) {
                lastCas = m.group(1);
                m.appendReplacement(sb, "cas=<cas>");
            }
            m.appendTail(sb);
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            conn.close();
        }
    }

    private void run(Path file) throws IOException, InterruptedException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> mismatches = new ArrayList<>();
        try (Side expected = new Side(oracle.port()); Side actual = new Side(larder.port())) {
            expected.exchange("", "flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
            actual.exchange("", "flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(7).trim()));
                    continue;
                }
                String directive = "";
                String text = line;
                boolean appendCrlf = true;
                if (line.startsWith("< ")) {
                    text = line.substring(2);
                    appendCrlf = false;
                } else if (line.startsWith("@")) {
                    int space = line.indexOf(' ');
                    directive = line.substring(0, space);
                    text = line.substring(space + 1);
                }
                byte[] request = unescape(text + (appendCrlf ? "\\r\\n" : ""));
                String want = expected.exchange(directive, request);
                String got = actual.exchange(directive, request);
                if (directive.equals("@names")) {
                    want = statNames(want);
                    got = statNames(got);
                }
                if (!want.equals(got)) {
                    mismatches.add(file.getFileName() + ":" + (n + 1) + " " + line + "\n  memcached: "
                            + visible(want) + "\n  larder:    " + visible(got));
                }
            }
        }
        assertThat(mismatches).as("replies that differ from memcached").isEmpty();
    }

    private static String statNames(String reply) {
        StringBuilder sb = new StringBuilder();
        for (String l : reply.split("\r\n")) {
            String[] parts = l.split(" ");
            sb.append(parts[0].equals("STAT") && parts.length > 1 ? "STAT " + parts[1] : l).append('\n');
        }
        return sb.toString();
    }

    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> {
                    out.write('\\');
                    out.write(e);
                }
            }
        }
        return out.toByteArray();
    }

    private static String visible(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
