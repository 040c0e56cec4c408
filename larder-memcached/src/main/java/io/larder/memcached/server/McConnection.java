package io.larder.memcached.server;

import io.larder.memcached.binary.BinaryProtocol;
import io.larder.memcached.text.TextProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection. The first byte picks the protocol for the connection's lifetime, as memcached's
 * auto-negotiation does: 0x80 is the binary protocol, anything else the text (and meta) protocol. Replies
 * collect in one buffer that is flushed when the socket has no more input ready.
 */
public final class McConnection extends ChannelInboundHandlerAdapter {
    private static final AtomicInteger IDS = new AtomicInteger(100);
    /** Values at least this large are written as their own buffer instead of being copied into the reply. */
    private static final int WRAP_THRESHOLD = 16 * 1024;
    /** Replies beyond this many bytes are sent before the next request runs. */
    private static final int PILE_UP = 256 * 1024;
    private static final byte[] TOO_MANY = "ERROR Too many open connections\r\n".getBytes(StandardCharsets.US_ASCII);

    private final McServer server;
    private final int id = IDS.incrementAndGet();
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private ByteBuf out;
    private Protocol protocol;
    private boolean closeAfterWrite;
    private boolean closed;
    private boolean rejected;
    private boolean authenticated;
    private boolean waitingForWrites;
    private volatile long lastCommandMillis = System.currentTimeMillis();

    public McConnection(McServer server) {
        this.server = server;
    }

    public McServer server() {
        return server;
    }

    public int id() {
        return id;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean value) {
        authenticated = value;
    }

    public String remoteAddress() {
        return ctx == null ? "" : address((InetSocketAddress) ctx.channel().remoteAddress());
    }

    public String localAddress() {
        return ctx == null ? "" : address((InetSocketAddress) ctx.channel().localAddress());
    }

    private static String address(InetSocketAddress a) {
        return a == null ? "" : "tcp:" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public long lastCommandMillis() {
        return lastCommandMillis;
    }

    public String state() {
        return protocol == null ? "conn_new_cmd" : "conn_parse_cmd";
    }

    /** The reply buffer for this batch of requests. */
    public ByteBuf out() {
        if (out == null) {
            out = ctx.alloc().ioBuffer(4096);
        }
        return out;
    }

    /** Appends a value to the reply; large ones are passed on without copying. */
    public void writeValue(byte[] value) {
        writeValue(value, 0, value.length);
    }

    /** Appends {@code length} bytes of {@code data} from {@code offset} (an item's value inside its array). */
    public void writeValue(byte[] data, int offset, int length) {
        if (length < WRAP_THRESHOLD) {
            out().writeBytes(data, offset, length);
            return;
        }
        if (out != null && out.isReadable()) {
            server.stats().bytesWritten.add(out.readableBytes());
            ctx.write(out);
            out = null;
        } else if (out != null) {
            out.release();
            out = null;
        }
        server.stats().bytesWritten.add(length);
        ctx.write(Unpooled.wrappedBuffer(data, offset, length));
    }

    /** quit: close once the replies so far are written. */
    public void closeAfterWrite() {
        closeAfterWrite = true;
    }

    public boolean closing() {
        return closeAfterWrite || closed;
    }

    /** Sends what has been collected so far now (mn, and the end of every read). */
    public void flush() {
        if (ctx == null) {
            return;
        }
        if (out != null && out.isReadable()) {
            server.stats().bytesWritten.add(out.readableBytes());
            ctx.write(out);
            out = null;
        }
        if (closeAfterWrite) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            closed = true;
        } else {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
    }

    /** Drops the connection without a reply (garbage, impossible sizes). */
    public void abort() {
        closeAfterWrite = true;
        closed = true;
        if (out != null) {
            out.release();
            out = null;
        }
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        ServerStats stats = server.stats();
        stats.totalConnections.increment();
        if (stats.currConnections.incrementAndGet() > server.settings().maxConns) {
            // memcached's maxconns_fast: tell the client and hang up at once.
            rejected = true;
            stats.rejectedConnections.increment();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        server.register(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        server.stats().currConnections.decrementAndGet();
        server.unregister(this);
        if (in != null) {
            in.release();
            in = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        if (rejected || closed) {
            data.release();
            return;
        }
        server.stats().bytesRead.add(data.readableBytes());
        in = in == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, data);
        lastCommandMillis = System.currentTimeMillis();
        processInput();
    }

    /** Runs the requests buffered so far, until they run out or the client stops reading its replies. */
    private void processInput() {
        if (in == null) {
            return;
        }
        try {
            if (protocol == null) {
                protocol = choose(in.getUnsignedByte(in.readerIndex()));
                if (protocol == null) {
                    abort();
                    return;
                }
            }
            protocol.process(in);
        } catch (RuntimeException e) {
            if (server.settings().verbose > 0) {
                System.err.println("<" + id + " connection error: " + e);
            }
            abort();
            return;
        }
        if (in != null) {
            if (!in.isReadable()) {
                in.release();
                in = null;
            } else {
                in.discardSomeReadBytes();
            }
        }
    }

    private Protocol choose(int firstByte) {
        String binding = server.settings().protocol;
        // With SASL only the binary protocol can authenticate, so memcached serves nothing else.
        if (binding.equals("binary") || server.settings().sasl) {
            return new BinaryProtocol(this);
        }
        if (binding.equals("auto") && firstByte == BinaryProtocol.REQUEST_MAGIC) {
            // ASCII authentication (-Y) has no binary form: a binary client could never log in.
            return server.asciiUsers() != null ? null : new BinaryProtocol(this);
        }
        return new TextProtocol(this);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!closed) {
            flush();
        }
    }

    /**
     * Asked before each request: sends what has piled up past a threshold, and when the socket is full (the
     * client does not read) stops running requests and reading until it drains, so replies never pile up
     * without bound. The requests left in the input run when the socket becomes writable again.
     */
    public boolean paused() {
        if (out != null && out.readableBytes() >= PILE_UP) {
            server.stats().bytesWritten.add(out.readableBytes());
            ctx.writeAndFlush(out);
            out = null;
        }
        if (!ctx.channel().isWritable()) {
            waitingForWrites = true;
            ctx.channel().config().setAutoRead(false);
            return true;
        }
        return false;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
            if (waitingForWrites && !closed) {
                waitingForWrites = false;
                processInput();
                flush();
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
