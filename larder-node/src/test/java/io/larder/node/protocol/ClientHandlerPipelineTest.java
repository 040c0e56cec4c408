package io.larder.node.protocol;

import io.larder.engine.util.Clock;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.ClientHandler;
import io.larder.node.server.Dispatcher;
import io.larder.node.server.Node;
import io.larder.node.testing.RawClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection handler on an {@link EmbeddedChannel}: how requests are cut into reads must not change the
 * replies, pipelined replies keep their order, and every buffer that passes through is released.
 */
class ClientHandlerPipelineTest {
    private static final long SEED = 7L;
    /** Unpooled direct buffers whose live bytes the allocator counts, so a leaked buffer shows as a non-zero count. */
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private final List<ByteBuf> sent = new ArrayList<>();

    @BeforeEach
    void checkCleanStart() {
        assertThat(allocator.metric().usedDirectMemory()).isZero();
    }

    @AfterEach
    void everyBufferReleased() {
        for (ByteBuf b : sent) {
            assertThat(b.refCnt()).as("inbound buffer released by the handler").isZero();
        }
        assertThat(allocator.metric().usedDirectMemory()).as("direct bytes still allocated").isZero();
        assertThat(allocator.metric().usedHeapMemory()).as("heap bytes still allocated").isZero();
    }

    @Test
    void requestsSplitByteByByteGiveTheSameReplies() {
        byte[] big = new byte[40_000];
        new Random(SEED).nextBytes(big);
        byte[] wire = concat(cmd("SET", "k", "v"), cmd("GET", "k"), bytes("PING\r\n"), RawClient.encode(bytes("ECHO"), big),
                bytes("EXISTS k nope\r\n"), cmd("DEL", "k"), cmd("GET", "k"), bytes("\r\n"), bytes("*0\r\n"), cmd("SELECT", "1"),
                bytes("ECHO \"a\\x00b\"\n"));
        byte[] whole = run(List.of(wire));
        List<byte[]> single = new ArrayList<>();
        for (byte b : wire) {
            single.add(new byte[]{b});
        }
        byte[] byteByByte = run(single);
        byte[] expected = concat(bytes("+OK\r\n$1\r\nv\r\n+PONG\r\n$40000\r\n"), big,
                bytes("\r\n:1\r\n:1\r\n$-1\r\n+OK\r\n$3\r\na\u0000b\r\n"));
        assertThat(whole).isEqualTo(expected);
        assertThat(byteByByte).isEqualTo(expected);

        Random random = new Random(SEED);
        for (int round = 0; round < 10; round++) {
            List<byte[]> chunks = new ArrayList<>();
            for (int at = 0; at < wire.length; ) {
                int size = Math.min(wire.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
                chunks.add(Arrays.copyOfRange(wire, at, at + size));
                at += size;
            }
            assertThat(run(chunks)).as("random split round %d (seed %d)", round, SEED).isEqualTo(expected);
        }
    }

    @Test
    void pipelinedRepliesStayInOrder() {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            wire.writeBytes(cmd("SET", "key:" + i, "value:" + i));
            wire.writeBytes(cmd("GET", "key:" + i));
            expected.writeBytes(bytes("+OK\r\n"));
            String v = "value:" + i;
            expected.writeBytes(bytes("$" + v.length() + "\r\n" + v + "\r\n"));
        }
        assertThat(run(List.of(wire.toByteArray()))).isEqualTo(expected.toByteArray());
    }

    @Test
    void protocolErrorRepliesThenCloses() {
        EmbeddedChannel ch = channel();
        write(ch, bytes("PING\r\n*1\r\nx\r\nPING\r\n"));
        assertThat(text(drain(ch))).isEqualTo("+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void quitRepliesThenClosesAndIgnoresTheRest() {
        EmbeddedChannel ch = channel();
        write(ch, bytes("PING\r\nQUIT\r\nPING\r\n"));
        assertThat(text(drain(ch))).isEqualTo("+PONG\r\n+OK\r\n");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aHalfReadRequestIsReleasedWhenTheConnectionCloses() {
        EmbeddedChannel ch = channel();
        write(ch, bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\nabc"));
        write(ch, new byte[50_000]);
        assertThat(drain(ch)).isEmpty();
        ch.close();
        ch.finishAndReleaseAll();
    }

    /** Feeds each chunk as its own read on a fresh node and connection; returns every byte written back. */
    private byte[] run(List<byte[]> chunks) {
        EmbeddedChannel ch = channel();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            write(ch, chunk);
            out.writeBytes(drain(ch));
        }
        ch.close();
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    private EmbeddedChannel channel() {
        Node node = new Node(new ServerConfig(), Clock.SYSTEM);
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.config().setAllocator(allocator);
        ch.pipeline().addLast(new ClientHandler(node, new Dispatcher(node)));
        try {
            ch.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return ch;
    }

    private void write(EmbeddedChannel ch, byte[] bytes) {
        ByteBuf b = allocator.directBuffer(bytes.length).writeBytes(bytes);
        sent.add(b);
        ch.writeInbound(b);
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] cmd(String... args) {
        return RawClient.encode(Arrays.stream(args).map(ClientHandlerPipelineTest::bytes).toArray(byte[][]::new));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
