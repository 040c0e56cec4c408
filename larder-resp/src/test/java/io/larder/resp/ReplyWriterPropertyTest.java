package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encoding any reply with {@link ReplyWriter} and decoding it again gives back the same value: in RESP3 the
 * value itself (both RESP2 null shapes become {@code _}), in RESP2 the value mapped down the way Redis does it.
 */
class ReplyWriterPropertyTest {

    @Property(tries = 500)
    void resp3RoundTrip(@ForAll("replies") RespValue value) {
        assertThat(RespDecoder.decodeOne(encode(value, 3))).isEqualTo(asResp3(value));
    }

    @Property(tries = 500)
    void resp2RoundTripIsTheDownMapping(@ForAll("replies") RespValue value) {
        assertThat(RespDecoder.decodeOne(encode(value, 2))).isEqualTo(asResp2(value));
    }

    @Property(tries = 100)
    void manyRepliesInOneBufferStayInOrder(@ForAll("replyLists") List<RespValue> values) {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.protocol(3);
        values.forEach(v -> write(w, v));
        assertThat(RespDecoder.decodeAll(take(w))).isEqualTo(values.stream().map(ReplyWriterPropertyTest::asResp3).toList());
    }

    @Example
    void integerExtremes() {
        for (long v : new long[]{Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 63, 64, -64}) {
            assertThat(new String(encode(new RespValue.Int(v), 2), StandardCharsets.US_ASCII)).isEqualTo(":" + v + "\r\n");
        }
    }

    @Example
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

    @Example
    void newlinesInErrorsBecomeSpaces() {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.error("ERR bad\r\nthing\n");
        assertThat(new String(take(w), StandardCharsets.UTF_8)).isEqualTo("-ERR bad  thing \r\n");
    }

    @Example
    void markAndResetDropAReply() {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.ok();
        int mark = w.mark();
        w.bulk("dropped");
        w.resetTo(mark);
        w.integer(7);
        assertThat(new String(take(w), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n:7\r\n");
    }

    @Provide
    Arbitrary<RespValue> replies() {
        return Arbitraries.recursive(ReplyWriterPropertyTest::leaf, ReplyWriterPropertyTest::aggregate, 0, 3);
    }

    @Provide
    Arbitrary<List<RespValue>> replyLists() {
        return replies().list().ofMaxSize(20);
    }

    private static Arbitrary<RespValue> leaf() {
        Arbitrary<String> line = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\ud7ff')
                .withChars('\t', '\u0000').ofMaxLength(40);
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(200);
        Arbitrary<byte[]> smallBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> bigBytes = Arbitraries.bytes().array(byte[].class).ofMinSize(4000).ofMaxSize(70_000);
        return Arbitraries.frequencyOf(
                weighted(5, line.map(RespValue.Simple::new)),
                weighted(5, line.map(s -> new RespValue.Error("ERR " + s))),
                weighted(10, Arbitraries.longs().map(RespValue.Int::new)),
                weighted(10, smallBytes.map(RespValue.Bulk::new)),
                weighted(1, bigBytes.map(RespValue.Bulk::new)),
                weighted(3, Arbitraries.of(new RespValue.NullBulk(), new RespValue.NullArray())),
                weighted(5, doubles()),
                weighted(3, Arbitraries.of(true, false).map(RespValue.Bool::new)),
                weighted(3, text.map(t -> new RespValue.Verbatim("txt", t))),
                weighted(1, text.map(t -> new RespValue.Verbatim("mkd", t))));
    }

    private static Tuple2<Integer, Arbitrary<? extends RespValue>> weighted(int weight, Arbitrary<? extends RespValue> a) {
        return Tuple.of(weight, a);
    }

    private static Arbitrary<RespValue> doubles() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().filter(Double::isFinite).map(d -> new RespValue.Dbl(Double.toString(d))),
                Arbitraries.of("inf", "-inf", "nan", "0", "-0", "1e+300").map(RespValue.Dbl::new));
    }

    private static Arbitrary<RespValue> aggregate(Arbitrary<RespValue> inner) {
        Arbitrary<List<RespValue>> items = inner.list().ofMaxSize(6);
        Arbitrary<List<RespValue.Entry>> entries = Combinators.combine(inner, inner)
                .as(RespValue.Entry::new).list().ofMaxSize(5);
        return Arbitraries.oneOf(
                items.map(RespValue.Arr::new),
                items.map(RespValue.Set::new),
                items.map(RespValue.Push::new),
                entries.map(RespValue.RMap::new));
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
