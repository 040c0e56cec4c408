package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestParserTest {
    private static final long SEED = 20261127L;

    /** Limits of a default redis-server: 512 MB bulks, 1 GB query buffer, no password. */
    private record Limits(long maxBulkLength, long maxQueryBuffer, boolean authRequired) implements RequestLimits {
        static final Limits DEFAULT = new Limits(512L << 20, 1L << 30, false);
    }

    // ---------------------------------------------------------------- splitting

    @Test
    void multibulkFedOneByteAtATime() throws Exception {
        byte[] wire = concat(encode("SET", "key", "value"), encode("GET", "key"), encode("PING"));
        assertThat(parseInChunks(wire, oneByteChunks(wire.length)))
                .containsExactly(List.of("SET", "key", "value"), List.of("GET", "key"), List.of("PING"));
    }

    @Test
    void inlineFedOneByteAtATime() throws Exception {
        byte[] wire = bytes("SET k \"a b\"\r\nGET k\nPING\r\n");
        assertThat(parseInChunks(wire, oneByteChunks(wire.length)))
                .containsExactly(List.of("SET", "k", "a b"), List.of("GET", "k"), List.of("PING"));
    }

    @Test
    void randomSplitsOfMixedTrafficGiveTheSameRequests() throws Exception {
        Random random = new Random(SEED);
        List<List<String>> expected = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            List<String> args = new ArrayList<>();
            int n = 1 + random.nextInt(5);
            for (int a = 0; a < n; a++) {
                args.add(randomWord(random, random.nextInt(8) == 0 ? 40_000 : 1 + random.nextInt(30)));
            }
            expected.add(args);
            if (random.nextBoolean() && args.stream().allMatch(s -> s.length() < 1000)) {
                wire.writeBytes(bytes(String.join(" ", args) + (random.nextBoolean() ? "\r\n" : "\n")));
            } else {
                wire.writeBytes(encode(args.toArray(String[]::new)));
            }
        }
        byte[] all = wire.toByteArray();
        for (int round = 0; round < 20; round++) {
            assertThat(parseInChunks(all, randomChunks(random, all.length))).as("round %d (seed %d)", round, SEED)
                    .isEqualTo(expected);
        }
    }

    @Test
    void bigArgumentsTakeTheInPlacePathWhateverTheSplit() throws Exception {
        Random random = new Random(SEED);
        byte[] big = new byte[200_000];
        random.nextBytes(big);
        byte[] wire = concat(encodeBytes(bytes("SET"), bytes("k"), big), encode("PING"),
                encodeBytes(bytes("ECHO"), Arrays.copyOf(big, 32 * 1024)), encodeBytes(bytes("ECHO"), Arrays.copyOf(big, 32 * 1024 - 1)));
        for (int round = 0; round < 5; round++) {
            List<byte[][]> requests = parseRawInChunks(wire, randomChunks(random, wire.length));
            assertThat(requests).hasSize(4);
            assertThat(requests.get(0)[2]).isEqualTo(big);
            assertThat(requests.get(2)[1]).isEqualTo(Arrays.copyOf(big, 32 * 1024));
            assertThat(requests.get(3)[1]).isEqualTo(Arrays.copyOf(big, 32 * 1024 - 1));
        }
        assertThat(parseRawInChunks(wire, oneByteChunks(wire.length)).get(0)[2]).isEqualTo(big);
    }

    @Test
    void manyArgumentsGrowTheArgumentArray() throws Exception {
        String[] args = new String[5000];
        for (int i = 0; i < args.length; i++) {
            args[i] = "a" + i;
        }
        byte[] wire = encode(args);
        assertThat(parseInChunks(wire, List.of(wire.length)).getFirst()).containsExactly(args);
    }

    @Test
    void pendingBytesAreThoseOfABigArgumentBeingFilled() throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = growable(bytes("*2\r\n$3\r\nSET\r\n$100\r\nabc"));
        assertThat(parser.parse(buf)).isNull();
        assertThat(parser.pendingBytes()).as("a small argument waits in the caller's buffer").isZero();
        buf = growable(bytes("*2\r\n$3\r\nSET\r\n$40000\r\n"));
        buf.writeBytes(new byte[25_000]);
        parser = new RequestParser(Limits.DEFAULT);
        assertThat(parser.parse(buf)).isNull();
        assertThat(parser.pendingBytes()).isEqualTo(25_000);
        assertThat(buf.isReadable()).isFalse();
    }

    // ---------------------------------------------------------------- empty and ignored requests

    @ParameterizedTest
    @ValueSource(strings = {"*0\r\n", "*-1\r\n", "*-10\r\n", "\r\n", "\n", "   \r\n"})
    void requestsRedisIgnoresParseAsEmpty(String wire) throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = growable(bytes(wire + "PING\r\n"));
        assertThat(RequestParser.isEmpty(parser.parse(buf))).isTrue();
        assertThat(asStrings(parser.parse(buf))).containsExactly("PING");
    }

    @Test
    void aNulBeforeTheLineEndKeepsTheLineOpenAsRedisStrchrDoes() throws Exception {
        for (String wire : List.of("*1\u0000\r\n", "PING\u0000\r\n", "*1\r\n$4\u0000\r\n")) {
            RequestParser parser = new RequestParser(Limits.DEFAULT);
            assertThat(parser.parse(growable(bytes(wire)))).as(printable(wire)).isNull();
        }
        assertProtocolError("PING\u0000\r\n" + "a".repeat(64 * 1024), Limits.DEFAULT, "Protocol error: too big inline request");
    }

    @Test
    void theMostNegativeCountIsAValidNegativeCount() throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        assertThat(RequestParser.isEmpty(parser.parse(growable(bytes("*-9223372036854775808\r\n"))))).isTrue();
        assertProtocolError("*-9223372036854775809\r\n", Limits.DEFAULT, "Protocol error: invalid multibulk length");
        assertProtocolError("*1\r\n$-9223372036854775808\r\n", Limits.DEFAULT, "Protocol error: invalid bulk length");
    }

    // ---------------------------------------------------------------- inline quoting

    @Test
    void inlineQuotingAndEscapes() {
        assertThat(split("set k \"a\\x41\\n\\r\\t\\b\\a\\\\\\\"z\"")).containsExactly("set", "k", "aA\n\r\t\b\u0007\\\"z");
        assertThat(split("'it\\'s' '\\n'")).containsExactly("it's", "\\n");
        assertThat(split("\"\\xff\\x00\"")).containsExactly("\u00ff\u0000");
        assertThat(split("\"\\xZZ\"")).containsExactly("xZZ");
        assertThat(split("\"\"  ''")).containsExactly("", "");
        assertThat(split("  a\tb  ")).containsExactly("a", "b");
        assertThat(split("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc", "'abc", "\"abc\"def", "'abc'def", "set k \"v", "\"\\\""})
    void unbalancedQuotes(String line) throws Exception {
        assertThat(InlineSplitter.split(bytes(line))).isNull();
        assertProtocolError(line + "\r\n", Limits.DEFAULT, "Protocol error: unbalanced quotes in request");
    }

    // ---------------------------------------------------------------- protocol errors

    @Test
    void invalidMultibulkLength() throws Exception {
        for (String wire : List.of("*abc\r\n", "*1x\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "*-0\r\n", "*2147483648\r\n",
                "*99999999999999999999\r\n")) {
            assertProtocolError(wire, Limits.DEFAULT, "Protocol error: invalid multibulk length");
        }
    }

    @Test
    void invalidBulkLength() throws Exception {
        for (String wire : List.of("*1\r\n$abc\r\n", "*1\r\n$-1\r\n", "*1\r\n$\r\n", "*1\r\n$01\r\n", "*1\r\n$-0\r\n",
                "*1\r\n$1x\r\n")) {
            assertProtocolError(wire, Limits.DEFAULT, "Protocol error: invalid bulk length");
        }
    }

    @Test
    void expectedDollar() throws Exception {
        assertProtocolError("*1\r\nx\r\n", Limits.DEFAULT, "Protocol error: expected '$', got 'x'");
        assertProtocolError("*2\r\n$1\r\na\r\n:1\r\n", Limits.DEFAULT, "Protocol error: expected '$', got ':'");
    }

    @Test
    void expectedDollarWaitsForTheWholeLineLikeRedis() throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = growable(bytes("*1\r\nxyz"));
        assertThat(parser.parse(buf)).isNull();
        buf.writeBytes(bytes("\r\n"));
        assertThatThrownBy(() -> parser.parse(buf)).isInstanceOf(ProtocolException.class)
                .hasMessage("Protocol error: expected '$', got 'x'");
    }

    @Test
    void tooBigLines() throws Exception {
        String huge = "a".repeat(64 * 1024 + 1);
        assertProtocolError(huge, Limits.DEFAULT, "Protocol error: too big inline request");
        assertProtocolError("*" + huge, Limits.DEFAULT, "Protocol error: too big mbulk count string");
        assertProtocolError("*1\r\n$" + huge, Limits.DEFAULT, "Protocol error: too big bulk count string");
    }

    @Test
    void linesUpToTheLimitWait() throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = growable(bytes("a".repeat(64 * 1024)));
        assertThat(parser.parse(buf)).isNull();
        buf.writeBytes(bytes("\r\n"));
        assertThat(parser.parse(buf)).hasNumberOfRows(1);
    }

    @Test
    void unauthenticatedLimits() throws Exception {
        Limits locked = new Limits(512L << 20, 1L << 30, true);
        assertProtocolError("*11\r\n", locked, "Protocol error: unauthenticated multibulk length");
        assertProtocolError("*1\r\n$16385\r\n", locked, "Protocol error: unauthenticated bulk length");
        RequestParser parser = new RequestParser(locked);
        ByteBuf ok = growable(encodeBytes(new byte[10][0]));
        assertThat(parser.parse(ok)).hasNumberOfRows(10);
        ok = growable(encodeBytes(new byte[16384]));
        assertThat(parser.parse(ok)[0]).hasSize(16384);
    }

    @Test
    void protoMaxBulkLen() throws Exception {
        Limits small = new Limits(1024 * 1024, 1L << 30, false);
        assertProtocolError("*1\r\n$1048577\r\n", small, "Protocol error: invalid bulk length");
        RequestParser parser = new RequestParser(small);
        assertThat(parser.parse(growable(bytes("*1\r\n$1048576\r\n")))).isNull();
    }

    @Test
    void anArgumentLargerThanTheQueryBufferLimitOverflows() {
        Limits small = new Limits(512L << 20, 1024 * 1024, false);
        RequestParser parser = new RequestParser(small);
        ByteBuf buf = growable(bytes("*2\r\n$3\r\nSET\r\n$1048577\r\n"));
        assertThatThrownBy(() -> parser.parse(buf)).isInstanceOf(RequestParser.QueryBufferOverflow.class);
    }

    @Test
    void argumentsAlreadyParsedDoNotCountAgainstTheQueryBufferLimit() throws Exception {
        Limits small = new Limits(512L << 20, 1024 * 1024, false);
        RequestParser parser = new RequestParser(small);
        byte[] arg = new byte[600_000];
        byte[][] request = parser.parse(growable(encodeBytes(bytes("SET"), arg, arg)));
        assertThat(request).hasNumberOfRows(3);
    }

    @Test
    void parserStateDoesNotLeakIntoTheNextRequest() throws Exception {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = growable(concat(encodeBytes(bytes("ECHO"), new byte[40_000]), encode("PING")));
        assertThat(parser.parse(buf)[1]).hasSize(40_000);
        assertThat(asStrings(parser.parse(buf))).containsExactly("PING");
        assertThat(parser.parse(buf)).isNull();
    }

    // ---------------------------------------------------------------- helpers

    /** A buffer that more bytes can be appended to, as the connection's cumulation. */
    private static ByteBuf growable(byte[] content) {
        return Unpooled.buffer().writeBytes(content);
    }

    private static byte[][] catchParse(RequestParser parser, ByteBuf buf) {
        try {
            return parser.parse(buf);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertProtocolError(String wire, RequestLimits limits, String message) throws Exception {
        byte[] all = bytes(wire);
        // Whole, and one byte at a time: the error must be the same either way.
        for (List<Integer> chunks : List.of(List.of(all.length), oneByteChunks(all.length))) {
            RequestParser parser = new RequestParser(limits);
            ByteBuf buf = Unpooled.buffer();
            ProtocolException error = null;
            try {
                for (int size : chunks) {
                    buf.writeBytes(all, buf.writerIndex(), size);
                    while (parser.parse(buf) != null) {
                        // requests before the bad one
                    }
                }
            } catch (ProtocolException e) {
                error = e;
            }
            assertThat(error).as("protocol error for %s", printable(wire)).isNotNull();
            assertThat(error.getMessage()).as("for %s", printable(wire)).isEqualTo(message);
        }
    }

    private static List<List<String>> parseInChunks(byte[] wire, List<Integer> chunks) throws ProtocolException {
        return parseRawInChunks(wire, chunks).stream().map(RequestParserTest::asStrings).toList();
    }

    private static List<byte[][]> parseRawInChunks(byte[] wire, List<Integer> chunks) throws ProtocolException {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        ByteBuf buf = Unpooled.buffer();
        List<byte[][]> out = new ArrayList<>();
        int offset = 0;
        for (int size : chunks) {
            buf.writeBytes(wire, offset, size);
            offset += size;
            byte[][] request;
            while ((request = parser.parse(buf)) != null) {
                if (!RequestParser.isEmpty(request)) {
                    out.add(request);
                }
            }
            buf.discardReadBytes();
        }
        assertThat(buf.isReadable()).as("bytes left unparsed").isFalse();
        buf.release();
        return out;
    }

    private static List<Integer> oneByteChunks(int length) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            sizes.add(1);
        }
        return sizes;
    }

    private static List<Integer> randomChunks(Random random, int length) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = length; left > 0; ) {
            int size = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 8 : 70_000));
            sizes.add(size);
            left -= size;
        }
        return sizes;
    }

    private static String randomWord(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private static List<String> split(String line) {
        return asStrings(InlineSplitter.split(bytes(line)));
    }

    private static List<String> asStrings(byte[][] args) {
        return Arrays.stream(args).map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
    }

    static byte[] encode(String... args) {
        return encodeBytes(Arrays.stream(args).map(RequestParserTest::bytes).toArray(byte[][]::new));
    }

    static byte[] encodeBytes(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes("*" + args.length + "\r\n"));
        for (byte[] a : args) {
            b.writeBytes(bytes("$" + a.length + "\r\n"));
            b.writeBytes(a);
            b.writeBytes(bytes("\r\n"));
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return shown.replace("\r", "\\r").replace("\n", "\\n");
    }
}
