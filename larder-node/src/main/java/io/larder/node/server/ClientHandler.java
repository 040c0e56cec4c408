package io.larder.node.server;

import io.larder.resp.ProtocolException;
import io.larder.resp.ReplyWriter;
import io.larder.resp.RequestLimits;
import io.larder.resp.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;

/**
 * One connection's pipeline end: gathers bytes, parses requests, runs them in order and batches the replies.
 * <p>
 * Requests run on the connection's event loop as they are parsed. Replies are flushed once per read batch;
 * if a client stops reading and its socket stops accepting writes, the handler stops taking requests from
 * it (reads pause) until the socket drains, so a slow reader cannot make the server buffer without bound.
 */
public final class ClientHandler extends ChannelInboundHandlerAdapter implements RequestLimits {
    /** Replies buffered past this size are written out before more requests are run. */
    private static final int FLUSH_THRESHOLD = 64 * 1024;

    private final Node node;
    private final Dispatcher dispatcher;
    private final RequestParser parser = new RequestParser(this);
    private ChannelHandlerContext ctx;
    private Client client;
    private ByteBuf cumulation;
    private boolean waitingForWritable;
    private int suspensions;

    public ClientHandler(Node node, Dispatcher dispatcher) {
        this.node = node;
        this.dispatcher = dispatcher;
    }

    public Client client() {
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        node.stats().connectionsReceived.increment();
        client = new Client(node.nextClientId(), node, ctx.channel(), new ReplyWriter(ctx.alloc()));
        client.handler(this);
        if (node.clients().size() >= node.config().maxclients.asLong()) {
            node.stats().rejectedConnections.increment();
            client.reply().error("ERR max number of clients reached");
            flush();
            ctx.close();
            return;
        }
        node.register(client);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        node.unregister(client);
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        client.reply().discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        node.stats().netInputBytes.add(in.readableBytes());
        if (client.closingAfterReply()) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        client.touch(System.currentTimeMillis());
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (waitingForWritable && ctx.channel().isWritable()) {
            waitingForWritable = false;
            updateAutoRead();
            process();
            flush();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Stops running this client's requests (blocking commands, CLIENT PAUSE); bytes keep accumulating up to
     * the socket's limits. Call from the connection's event loop.
     */
    public void suspend() {
        suspensions++;
        updateAutoRead();
    }

    /** Undoes one {@link #suspend()} and runs whatever requests were waiting. Safe from any thread. */
    public void resume() {
        ctx.executor().execute(() -> {
            suspensions--;
            updateAutoRead();
            process();
            flush();
        });
    }

    private void updateAutoRead() {
        ctx.channel().config().setAutoRead(suspensions == 0 && !waitingForWritable);
    }

    private void process() {
        while (cumulation != null && suspensions == 0 && !waitingForWritable && !client.closingAfterReply()) {
            byte[][] args;
            try {
                args = parser.parse(cumulation);
            } catch (ProtocolException e) {
                protocolError("ERR " + e.getMessage());
                break;
            } catch (RequestParser.QueryBufferOverflow e) {
                // No error reply, as Redis; replies to the requests before it still go out first.
                client.closeAfterReply();
                break;
            }
            if (args == null) {
                if (parser.pendingBytes() + cumulation.readableBytes() > maxQueryBuffer()) {
                    client.closeAfterReply();
                }
                break;
            }
            if (!RequestParser.isEmpty(args)) {
                dispatcher.dispatch(client, args);
            }
            if (client.reply().pending() >= FLUSH_THRESHOLD) {
                flush();
                if (!ctx.channel().isWritable()) {
                    waitingForWritable = true;
                    updateAutoRead();
                }
            }
        }
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        } else if (cumulation != null && cumulation.readerIndex() > 64 * 1024) {
            cumulation.discardReadBytes();
        }
    }

    /**
     * Replies with a protocol error and closes once it is sent. The message may quote a raw request byte
     * (one char per byte), which Redis echoes unchanged, so it is written as ISO-8859-1 rather than UTF-8.
     */
    private void protocolError(String message) {
        String line = message.replace('\r', ' ').replace('\n', ' ');
        client.reply().raw(("-" + line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        node.stats().recordError(line);
        client.closeAfterReply();
    }

    /** Writes buffered replies; closes the connection afterwards when the client asked for it. */
    void flush() {
        ByteBuf out = client.reply().take();
        if (out != null) {
            node.stats().netOutputBytes.add(out.readableBytes());
            if (client.closingAfterReply()) {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.writeAndFlush(out);
        } else if (client.closingAfterReply()) {
            ctx.close();
        }
    }

    /** Writes bytes to this client from another connection's thread (MONITOR, pub/sub, unblocking). */
    public void send(ByteBuf data) {
        ctx.writeAndFlush(data);
    }

    @Override
    public long maxBulkLength() {
        return node.config().protoMaxBulkLen.asLong();
    }

    @Override
    public long maxQueryBuffer() {
        return node.config().clientQueryBufferLimit.asLong();
    }

    @Override
    public boolean authRequired() {
        return !client.authenticated();
    }
}
