package io.larder.node.replication;

import io.larder.node.server.Client;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection that said REPLCONF, SYNC or PSYNC: what the replica announced and, once it synchronizes, where it
 * is. The stream goes out on the connection's own event loop, as fast as the socket takes it: a replica that
 * reads slowly holds the stream blocks it has not read (see {@link ReplicationBuffer}) until it falls past its
 * client-output-buffer-limit and is dropped, as Redis drops it.
 */
final class ReplicaConnection {
    /** Redis's replica states, with the names INFO shows. */
    enum State {
        WAIT_BGSAVE_START("wait_bgsave"), WAIT_BGSAVE_END("wait_bgsave"), SEND_BULK("send_bulk"), ONLINE("online");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    /** Bytes handed to the socket per write while streaming. */
    private static final int STREAM_CHUNK = 64 * 1024;

    final Client client;
    final Channel channel;

    // What the replica said in REPLCONF (its event loop writes, others read).
    volatile int listeningPort;
    volatile String announcedIp;
    volatile boolean capaEof;
    volatile boolean capaPsync2;

    volatile State state;
    /** Registered by SYNC or PSYNC (connected_slaves counts it). */
    volatile boolean registered;
    /** SYNC rather than PSYNC: no +FULLRESYNC line. */
    volatile boolean preSync;
    volatile long waitingSinceMillis;
    volatile long ackOffset;
    /** The offset the replica reported fsynced to its AOF (REPLCONF ACK ... FACK); 0 until it does. */
    volatile long aofAckOffset;
    volatile long ackMillis;
    /** Diskless transfer: the stream starts with the replica's first ACK (it has read the whole payload then). */
    private boolean streamOnAck;
    /** An ACK came before the transfer was marked done (the replica read the mark first); guarded by this. */
    private boolean ackedBeforeOnline;
    volatile long softLimitSinceMillis;
    /** The full sync under way sends an EOF-marked payload (no keep-alive newlines once it started). */
    volatile boolean disklessTarget;

    /** Set once the stream may flow; read and advanced on the event loop only. */
    private volatile ReplicationBuffer.Cursor cursor;
    private volatile boolean streaming;
    /** The next stream position to send (INFO, output limits). */
    private volatile long sentPosition;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    ReplicaConnection(Client client) {
        this.client = client;
        this.channel = client.channel();
        this.ackMillis = System.currentTimeMillis();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    drain();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    /** The start of the oldest stream block this replica keeps alive, or Long.MAX_VALUE before its stream. */
    long oldestKept() {
        ReplicationBuffer.Cursor c = cursor;
        return c == null ? Long.MAX_VALUE : c.blockStart();
    }

    /** The stream position the next bytes sent start at (or that the replica will first read). */
    long sentPosition() {
        return sentPosition;
    }

    /** The stream the replica is to read from {@code from} on; it flows once {@link #startStream} is called. */
    void streamFrom(ReplicationBuffer.Cursor from) {
        cursor = from;
        sentPosition = from.position();
    }

    /** Lets the stream flow (from any thread; the writes happen on the event loop, after what is queued). */
    /**
     * The diskless payload is all sent: the stream starts at the replica's first ACK, which may already have
     * come (it can read the end mark and answer before this thread gets here).
     */
    void disklessSent() {
        boolean start;
        synchronized (this) {
            state = State.ONLINE;
            start = ackedBeforeOnline;
            streamOnAck = !start;
            ackedBeforeOnline = false;
        }
        if (start) {
            startStream();
        }
    }

    /** REPLCONF ACK: starts the stream of a diskless transfer at the first one. */
    void acked() {
        boolean start = false;
        synchronized (this) {
            if (state == State.ONLINE) {
                start = streamOnAck;
                streamOnAck = false;
            } else if (disklessTarget) {
                ackedBeforeOnline = true;
            }
        }
        if (start) {
            startStream();
        }
    }

    void startStream() {
        streaming = true;
        wake();
    }

    boolean streaming() {
        return streaming;
    }

    /** New stream bytes exist: one drain task at most is queued per replica. */
    void wake() {
        // A plain read first: while a drain is queued (most appends under load) no atomic write is needed.
        if (streaming && !drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        ReplicationBuffer.Cursor c = cursor;
        if (!streaming || c == null || !channel.isActive()) {
            return;
        }
        boolean wrote = false;
        while (channel.isWritable() && c.next(STREAM_CHUNK,
                (data, off, len) -> channel.write(Unpooled.wrappedBuffer(data, off, len)))) {
            wrote = true;
        }
        if (wrote) {
            sentPosition = c.position();
            channel.flush();
        }
    }

    /** Writes raw protocol bytes (a +FULLRESYNC line, a bulk header) in order with the rest. */
    void send(String text) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII)));
    }

    void close() {
        channel.close();
    }

    /** The address INFO and ROLE show: the announced one, else the connection's peer. */
    String ip() {
        String ip = announcedIp;
        if (ip != null) {
            return ip;
        }
        return channel.remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "?";
    }
}
