package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encoding any reply with {@link ReplyWriter} and decoding it again gives back the same value: in RESP3 the
 * value itself (both RESP2 null shapes become {@code _}), in RESP2 the value mapped down the way Redis does it.
 * <p>
 * Values come from a seeded generator (fixed seeds, so a failure names the value and reproduces).
 */
class ReplyWriterPropertyTest {
    private static final long SEED = 0x1a4de5L;

    @Test
    void resp3RoundTrip() {
        Random random = new Random(SEED);
        for (int i = 0; i < 500; i++) {
            RespValue value = reply(random, 3);
            assertThat(RespDecoder.decodeOne(encode(value, 3))).as("try %d: %s", i, value).isEqualTo(asResp3(value));
        }
    }

    @Test
    void resp2RoundTripIsTheDownMapping() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 500; i++) {
            RespValue value = reply(random, 3);
            assertThat(RespDecoder.decodeOne(encode(value, 2))).as("try %d: %s", i, value).isEqualTo(asResp2(value));
        }
    }

    @Test
    void manyRepliesInOneBufferStayInOrder() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 100; i++) {
            List<RespValue> values = new ArrayList<>();
            for (int n = random.nextInt(21); n > 0; n--) {
                values.add(reply(random, 3));
            }
            ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
            w.protocol(3);
            values.forEach(v -> write(w, v));
            assertThat(RespDecoder.decodeAll(take(w))).as("try %d", i)
                    .isEqualTo(values.stream().map(ReplyWriterPropertyTest::asResp3).toList());
        }
    }

    @Test
    void integerExtremes() {
        for (long v : new long[]{Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 63, 64, -64}) {
            assertThat(new String(encode(new RespValue.Int(v), 2), StandardCharsets.US_ASCII)).isEqualTo(":" + v + "\r\n");
        }
    }

    @Test
    void exactBytesOfEachType() {
        assertThat(text(new RespValue.Bulk(new byte[0]), 2)).isEqualTo("$0\r\n\r\n");
        assertThat(text(new RespValue.NullBulk(), 2)).isEqualTo("$-1\r\n");
        assertThat(text(new RespValue.NullArray(), 2)).isEqualTo("*-1\r\n");
        assertThat(text(new RespValue.NullBulk(), 3)).isEqualTo("_\r\n");
        assertThat(text(new RespValue.NullArray(), 3)).isEqualTo("_\r\n");
        assertThat(text(new RespValue.Bool(true), 3)).isEqualTo("#t\r\n");
        assertThat(text(new RespValue.Bool(false), 2)).isEqualTo(":0\r\n");
        assertThat(text(new RespValue.Dbl("1.5"), 3)).isEqualTo(",1.5\r\n");
        assertThat(text(new RespValue.Dbl("1.5"), 2)).isEqualTo("$3\r\n1.5\r\n");
        assertThat(text(new RespValue.Verbatim("txt", "hi"), 3)).isEqualTo("=6\r\ntxt:hi\r\n");
        assertThat(text(new RespValue.Verbatim("txt", "hi"), 2)).isEqualTo("$2\r\nhi\r\n");
        RespValue map = new RespValue.RMap(List.of(new RespValue.Entry(new RespValue.Simple("a"), new RespValue.Int(1))));
        assertThat(text(map, 3)).isEqualTo("%1\r\n+a\r\n:1\r\n");
        assertThat(text(map, 2)).isEqualTo("*2\r\n+a\r\n:1\r\n");
        assertThat(text(new RespValue.Set(List.of()), 3)).isEqualTo("~0\r\n");
        assertThat(text(new RespValue.Push(List.of()), 3)).isEqualTo(">0\r\n");
        assertThat(text(new RespValue.Push(List.of()), 2)).isEqualTo("*0\r\n");
    }

    @Test
    void newlinesInErrorsBecomeSpaces() {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.error("ERR bad\r\nthing\n");
        assertThat(new String(take(w), StandardCharsets.UTF_8)).isEqualTo("-ERR bad  thing \r\n");
    }

    @Test
    void markAndResetDropAReply() {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.ok();
        int mark = w.mark();
        w.bulk("dropped");
        w.resetTo(mark);
        w.integer(7);
        assertThat(new String(take(w), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n:7\r\n");
    }

    /** A random reply: leaves mostly, aggregates nested up to {@code depth} levels. */
    private static RespValue reply(Random r, int depth) {
        if (depth > 0 && r.nextInt(4) == 0) {
            int n = r.nextInt(7);
            List<RespValue> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(reply(r, depth - 1));
            }
            return switch (r.nextInt(4)) {
                case 0 -> new RespValue.Arr(items);
                case 1 -> new RespValue.Set(items);
                case 2 -> new RespValue.Push(items);
                default -> {
                    List<RespValue.Entry> entries = new ArrayList<>();
                    for (int i = r.nextInt(6); i > 0; i--) {
                        entries.add(new RespValue.Entry(reply(r, depth - 1), reply(r, depth - 1)));
                    }
                    yield new RespValue.RMap(entries);
                }
            };
        }
        int pick = r.nextInt(46);
        if (pick < 5) {
            return new RespValue.Simple(line(r));
        } else if (pick < 10) {
            return new RespValue.Error("ERR " + line(r));
        } else if (pick < 20) {
            return new RespValue.Int(r.nextInt(8) == 0 ? extremeLong(r) : r.nextLong());
        } else if (pick < 30) {
            return new RespValue.Bulk(bytes(r, r.nextInt(301)));
        } else if (pick < 31) {
            return new RespValue.Bulk(bytes(r, 4000 + r.nextInt(66_001)));
        } else if (pick < 34) {
            return r.nextBoolean() ? new RespValue.NullBulk() : new RespValue.NullArray();
        } else if (pick < 39) {
            String[] special = {"inf", "-inf", "nan", "0", "-0", "1e+300"};
            return new RespValue.Dbl(r.nextInt(3) == 0 ? special[r.nextInt(special.length)]
                    : Double.toString((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300)));
        } else if (pick < 42) {
            return new RespValue.Bool(r.nextBoolean());
        } else {
            return new RespValue.Verbatim(pick < 45 ? "txt" : "mkd", text(r, r.nextInt(201)));
        }
    }

    private static long extremeLong(Random r) {
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 63, 64, -64, 9, 10, 99, 100};
        return edges[r.nextInt(edges.length)];
    }

    /** A status or error line: printable, tab and NUL, but never CR or LF. */
    private static String line(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(41); i > 0; i--) {
            int kind = r.nextInt(10);
            s.append(kind == 0 ? '\t' : kind == 1 ? '\u0000' : kind < 8 ? (char) (' ' + r.nextInt(95))
                    : (char) (0xa0 + r.nextInt(0xd7ff - 0xa0)));
        }
        return s.toString();
    }

    private static String text(Random r, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) r.nextInt(0xd800));
        }
        return s.toString();
    }

    private static byte[] bytes(Random r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }

    /** Writes {@code v} with the writer's API, the way command handlers do. */
    static void write(ReplyWriter w, RespValue v) {
        switch (v) {
            case RespValue.Simple s -> w.simple(s.text());
            case RespValue.Error e -> w.error(e.message());
            case RespValue.Int i -> w.integer(i.value());
            case RespValue.Bulk b -> w.bulk(b.bytes());
            case RespValue.NullBulk n -> w.nullBulk();
            case RespValue.NullArray n -> w.nullArray();
            case RespValue.Null n -> throw new IllegalArgumentException("the writer has no untyped null");
            case RespValue.Arr a -> {
                w.array(a.items().size());
                a.items().forEach(x -> write(w, x));
            }
            case RespValue.Set s -> {
                w.set(s.items().size());
                s.items().forEach(x -> write(w, x));
            }
            case RespValue.Push p -> {
                w.push(p.items().size());
                p.items().forEach(x -> write(w, x));
            }
            case RespValue.RMap m -> {
                w.map(m.entries().size());
                m.entries().forEach(e -> {
                    write(w, e.key());
                    write(w, e.value());
                });
            }
            case RespValue.Dbl d -> w.doubleValue(d.text());
            case RespValue.Bool b -> w.bool(b.value());
            case RespValue.Verbatim t -> w.verbatim(t.format(), t.text());
        }
    }

    /** What a RESP3 client reads back: the value, with both RESP2 null shapes as the one RESP3 null. */
    static RespValue asResp3(RespValue v) {
        return switch (v) {
            case RespValue.NullBulk n -> new RespValue.Null();
            case RespValue.NullArray n -> new RespValue.Null();
            case RespValue.Arr a -> new RespValue.Arr(a.items().stream().map(ReplyWriterPropertyTest::asResp3).toList());
            case RespValue.Set s -> new RespValue.Set(s.items().stream().map(ReplyWriterPropertyTest::asResp3).toList());
            case RespValue.Push p -> new RespValue.Push(p.items().stream().map(ReplyWriterPropertyTest::asResp3).toList());
            case RespValue.RMap m -> new RespValue.RMap(m.entries().stream()
                    .map(e -> new RespValue.Entry(asResp3(e.key()), asResp3(e.value()))).toList());
            default -> v;
        };
    }

    /** Redis's RESP2 rendering of RESP3 types: flat arrays for maps/sets/pushes, bulk doubles, integer booleans. */
    static RespValue asResp2(RespValue v) {
        return switch (v) {
            case RespValue.Arr a -> new RespValue.Arr(a.items().stream().map(ReplyWriterPropertyTest::asResp2).toList());
            case RespValue.Set s -> new RespValue.Arr(s.items().stream().map(ReplyWriterPropertyTest::asResp2).toList());
            case RespValue.Push p -> new RespValue.Arr(p.items().stream().map(ReplyWriterPropertyTest::asResp2).toList());
            case RespValue.RMap m -> new RespValue.Arr(m.entries().stream()
                    .flatMap(e -> Stream.of(asResp2(e.key()), asResp2(e.value()))).toList());
            case RespValue.Dbl d -> RespValue.Bulk.of(d.text());
            case RespValue.Bool b -> new RespValue.Int(b.value() ? 1 : 0);
            case RespValue.Verbatim t -> RespValue.Bulk.of(t.text());
            case RespValue.Null n -> throw new IllegalArgumentException("the writer has no untyped null");
            default -> v;
        };
    }

    private static byte[] encode(RespValue v, int protocol) {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.protocol(protocol);
        write(w, v);
        return take(w);
    }

    private static String text(RespValue v, int protocol) {
        return new String(encode(v, protocol), StandardCharsets.UTF_8);
    }

    private static byte[] take(ReplyWriter w) {
        ByteBuf buf = w.take();
        if (buf == null) {
            return new byte[0];
        }
        try {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }
}
