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

import java.net.InetSocketAddress;
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
    /** A reply batch this large makes the node sum client buffers at once (see Memory#largeOutput). */
    private static final int LARGE_OUTPUT = 1024 * 1024;

    private final Node node;
    private final Dispatcher dispatcher;
    private final RequestParser parser = new RequestParser(this);
    private ChannelHandlerContext ctx;
    private Client client;
    private ByteBuf cumulation;
    private boolean waitingForWritable;
    private volatile int suspensions;
    /** Reply batches held until the log has the writes they answer, oldest first (event loop only). */
    private final java.util.ArrayDeque<HeldReply> heldReplies = new java.util.ArrayDeque<>();
    /** The log's own thread is to call back when the first held reply may go (event loop only). */
    private boolean heldWaitForLog;
    /** A command that arrived during CLIENT PAUSE, run first when the connection resumes. */
    private byte[][] deferred;
    private final PubSub.OutputLimit.Watch outputWatch = new PubSub.OutputLimit.Watch();

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
        client = new Client(node.nextClientId(), node, ctx.channel(), new ReplyWriter(ctx.alloc()));
        client.handler(this);
        if (node.clients().size() >= node.config().maxclients.asLong()) {
            refuse("ERR max number of clients reached");
            return;
        }
        if (deniedByProtectedMode()) {
            refuse(PROTECTED_MODE_DENIED);
            return;
        }
        if (tooManyUnauthenticated()) {
            refuse("ERR max number of unauthenticated clients reached");
            return;
        }
        // As Redis, refused connections count in rejected_connections, not in total_connections_received.
        node.stats().connectionsReceived.increment();
        node.register(client);
        ctx.fireChannelActive();
    }

    private void refuse(String error) {
        node.stats().rejectedConnections.increment();
        client.reply().error(error);
        flush();
        ctx.close();
    }

    /**
     * Redis 7's protected mode: while the default user has no password (nopass, whether by requirepass or ACL
     * rules), only loopback clients are served, whatever the bind addresses (Redis 6 also required the default
     * bind; Redis 7 dropped that condition).
     */
    private boolean deniedByProtectedMode() {
        return deniedByProtectedMode(node.config().protectedMode.asBool(), node.acl().defaultUser().nopass(),
                ctx.channel().remoteAddress());
    }

    /**
     * larder-max-unauthenticated-clients: a new connection that would have to AUTH is refused while that many
     * connections have not authenticated yet. Counted only when the cap is set, so it costs nothing otherwise.
     */
    private boolean tooManyUnauthenticated() {
        long cap = node.config().find("larder-max-unauthenticated-clients").asLong();
        if (cap == 0 || !client.authRequired()) {
            return false;
        }
        long waiting = 0;
        for (Client c : node.clients()) {
            if (!c.authenticated() && ++waiting >= cap) {
                return true;
            }
        }
        return false;
    }

    static boolean deniedByProtectedMode(boolean protectedMode, boolean defaultUserNopass,
                                         java.net.SocketAddress peer) {
        if (!protectedMode || !defaultUserNopass) {
            return false;
        }
        // Unix sockets (and in-process channels) count as local, as in Redis's connIsLocal.
        return peer instanceof InetSocketAddress a && (a.getAddress() == null || !a.getAddress().isLoopbackAddress());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        node.unregister(client);
        client.noTouch(false);
        client.transaction().discard();
        node.pubsub().unsubscribeAll(client);
        node.tracking().clientClosed(client);
        if (client.monitor()) {
            node.monitors().remove(client);
        }
        parser.close();
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
        node.keyspace().refreshClock();
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

    /** True while the connection's commands wait (CLIENT PAUSE, blocking commands). */
    public boolean suspended() {
        return suspensions > 0;
    }

    /** Bytes received and not yet run as commands (CLIENT LIST qbuf). */
    public int queryBufferBytes() {
        ByteBuf c = cumulation;
        return c == null ? 0 : c.readableBytes();
    }

    /**
     * What this connection holds in buffers, for used_memory and client eviction: unparsed input, unflushed
     * replies and what Netty still holds for the socket (arguments being read are {@link #reservedBytes}).
     * Readable from any thread (a racy but harmless look at the counters).
     */
    public long memoryBytes() {
        io.netty.channel.ChannelOutboundBuffer outbound = ctx == null ? null : ctx.channel().unsafe().outboundBuffer();
        return queryBufferBytes() + client.reply().pending() + (outbound == null ? 0 : outbound.totalPendingWriteBytes());
    }

    /** Room reserved for the arguments of the request being read (see {@link RequestLimits#reserve}). */
    public long reservedBytes() {
        return parser.reservedBytes();
    }

    /** Scripts of this client queued on the script thread whose replies are not written yet. */
    private int pendingScripts;
    private boolean waitingForScripts;

    /**
     * A script command was handed to the script thread. Further script commands may queue behind it (the thread
     * runs them in order); any other command waits until every pending script has replied. Event loop only.
     */
    public void scriptQueued() {
        pendingScripts++;
    }

    /** Scripts are pending: a non-script command must wait for them (see {@link #deferForScripts}). */
    public boolean scriptsPending() {
        return pendingScripts > 0;
    }

    /** Keeps a non-script command until the pending scripts have replied. Event loop only. */
    public void deferForScripts(byte[][] args) {
        waitingForScripts = true;
        defer(args);
    }

    /** Replies of {@code count} queued scripts, from the script thread: written in order, then waiting commands resume. */
    public void scriptsReplied(byte[] replies, int count) {
        ctx.executor().execute(() -> {
            client.reply().raw(replies);
            pendingScripts -= count;
            if (pendingScripts == 0 && waitingForScripts) {
                waitingForScripts = false;
                suspensions--;
                updateAutoRead();
                process();
            }
            flush();
        });
    }

    /**
     * Runs {@code work} on {@code executor}, off the event loop (a costly check such as a token's signature),
     * holding this connection's later requests until {@code then} has run on the event loop with the result.
     * The running command's statistics were recorded when it returned, so an error {@code then} replies is not
     * charged to the next command. Event loop only.
     */
    public <T> void runAside(java.util.concurrent.Executor executor, java.util.function.Supplier<T> work,
                             java.util.function.Consumer<T> then) {
        suspend();
        executor.execute(() -> {
            T result = work.get();
            ctx.executor().execute(() -> {
                if (ctx.channel().isActive()) {
                    then.accept(result);
                    client.takeCommandFailed();
                }
                suspensions--;
                updateAutoRead();
                process();
                flush();
            });
        });
    }

    /** Keeps a command that must wait (CLIENT PAUSE) and suspends the connection until it may run. */
    void defer(byte[][] args) {
        deferred = args;
        suspend();
    }

    private void updateAutoRead() {
        ctx.channel().config().setAutoRead(suspensions == 0 && !waitingForWritable);
    }

    private void process() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (deferred != null && suspensions == 0) {
            byte[][] args = deferred;
            deferred = null;
            dispatcher.dispatch(client, args);
        }
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
        node.tracking().flushBroadcasts(); // what this batch of requests modified, as Redis before it sleeps
        ByteBuf out = client.reply().take();
        if (client.awaitedLogPosition() > 0 && (out != null || client.closingAfterReply()) && holdForLog(out)) {
            return;
        }
        writeOut(out);
    }

    private record HeldReply(long position, ByteBuf out) {}

    /**
     * Replies to writes go out once the log has them (in the file; with appendfsync always, on disk). Holds back
     * these replies while the log position this client reached is not there yet, or while earlier replies are
     * still held (they must not be overtaken), until the end of this event loop's turn (see
     * {@link DurableReplies}); false when they may go out now.
     */
    private boolean holdForLog(ByteBuf out) {
        long position = client.awaitedLogPosition();
        if (heldReplies.isEmpty() && node.propagation().isDurable(position)) {
            return false;
        }
        heldReplies.add(new HeldReply(position, out));
        DurableReplies.releaseAtEndOfTurn(this);
        return true;
    }

    /**
     * Writes out the held replies, oldest first, as far as the log has their writes, writing the log first if
     * need be (one write for this loop's clients); the rest waits for the log's own thread (a failing write
     * retried). Event loop only.
     */
    void releaseHeld() {
        HeldReply first;
        while ((first = heldReplies.peek()) != null) {
            if (!node.propagation().makeDurable(first.position())) {
                if (heldWaitForLog) {
                    return;
                }
                if (node.propagation().deferUntilDurable(first.position(), this::logCaughtUp)) {
                    heldWaitForLog = true;
                    return;
                }
                continue; // durable meanwhile
            }
            heldReplies.poll();
            writeOut(first.out());
        }
    }

    private void logCaughtUp() {
        ctx.executor().execute(() -> {
            heldWaitForLog = false;
            releaseHeld();
        });
    }

    private void writeOut(ByteBuf out) {
        if (out != null) {
            node.stats().netOutputBytes.add(out.readableBytes());
            if (out.readableBytes() >= LARGE_OUTPUT) {
                node.memory().largeOutput(); // client eviction need not wait for the next periodic sum
            }
            if (client.closingAfterReply()) {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.writeAndFlush(out);
            enforceOutputLimit();
        } else if (client.closingAfterReply()) {
            ctx.close();
        }
    }

    /**
     * client-output-buffer-limit's normal class (monitors included, as in Redis): closes the connection when what
     * the socket has not taken yet passes the hard limit, or stays over the soft limit too long. Subscribers are
     * held to the pubsub class by their mailbox instead. Event loop only.
     */
    private void enforceOutputLimit() {
        PubSub.OutputLimit limit = node.normalOutputLimit();
        if (!limit.unlimited() && !client.subscribed()
                && outputWatch.over(pendingOutputBytes(), limit, System.currentTimeMillis())) {
            client.kill();
        }
    }

    /** Runs a task on this connection's event loop (pub/sub delivery from other connections). */
    void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    /**
     * Output not yet on the wire: what Netty still holds for the socket plus unflushed replies. Call from the
     * connection's event loop.
     */
    long pendingOutputBytes() {
        io.netty.channel.ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        return (outbound == null ? 0 : outbound.totalPendingWriteBytes()) + client.reply().pending();
    }

    /** Writes bytes to this client from another connection's thread (MONITOR, unblocking). */
    public void send(ByteBuf data) {
        if (ctx.executor().inEventLoop()) {
            ctx.writeAndFlush(data);
            enforceOutputLimit();
        } else {
            ctx.executor().execute(() -> send(data));
        }
    }

    @Override
    public long maxBulkLength() {
        // An argument larger than all clients may hold together could only be read by exhausting the heap.
        return Math.min(node.config().protoMaxBulkLen.asLong(), node.memory().clientLimit());
    }

    @Override
    public boolean reserve(long bytes) {
        return node.memory().reserveArguments(bytes);
    }

    @Override
    public void release(long bytes) {
        node.memory().releaseArguments(bytes);
    }

    @Override
    public long maxQueryBuffer() {
        return node.config().clientQueryBufferLimit.asLong();
    }

    @Override
    public boolean authRequired() {
        return client.authRequired();
    }

    /** Redis 7.2's text (7.0 said "Setup a an authentication password"). */
    static final String PROTECTED_MODE_DENIED = "DENIED Redis is running in protected mode because protected mode is "
            + "enabled and no password is set for the default user. In this mode connections are only accepted from "
            + "the loopback interface. If you want to connect from external computers to Redis you may adopt one of "
            + "the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode "
            + "no' from the loopback interface by connecting to Redis from the same host the server is running, "
            + "however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to "
            + "make this change permanent. 2) Alternatively you can just disable the protected mode by editing the "
            + "Redis configuration file, and setting the protected mode option to 'no', and then restarting the "
            + "server. 3) If you started the server manually just for testing, restart it with the '--protected-mode "
            + "no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one "
            + "of the above things in order for the server to start accepting connections from the outside.";
}
