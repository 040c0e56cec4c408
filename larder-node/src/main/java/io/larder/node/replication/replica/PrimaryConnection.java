package io.larder.node.replication.replica;

import io.larder.node.config.ServerConfig;
import io.larder.node.propagation.Resp;
import io.larder.node.server.Client;
import io.larder.node.server.Node;
import io.larder.resp.ProtocolException;
import io.larder.resp.RequestLimits;
import io.larder.resp.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One connection to the primary, from the handshake to the end of the link: PING, AUTH, REPLCONF, PSYNC; the
 * snapshot of a full resynchronisation; then the replication stream, run through the dispatcher as the master
 * client. Runs on the link's event loop; every event is reported to the {@link ReplicaLink}.
 */
final class PrimaryConnection extends ChannelInboundHandlerAdapter implements RequestLimits {
    private enum Phase { HANDSHAKE, PSYNC, PREAMBLE, PAYLOAD, LOADING, STREAM, CLOSED }

    /** Replies the handshake waits for, in the order its requests were sent. */
    private enum Step { PING, AUTH, PORT, IP, CAPA }

    private static final byte[] REPLCONF = "replconf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETACK = "getack".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTI = "multi".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "exec".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DISCARD = "discard".getBytes(StandardCharsets.US_ASCII);
    /** Initial size of the heap buffer the stream is read into. */
    private static final int STREAM_BUFFER = 64 * 1024;

    private final ReplicaLink link;
    private final Node node;
    private final ArrayDeque<Step> awaited = new ArrayDeque<>();
    private final RequestParser parser = new RequestParser(this);
    /** The stream's bytes consumed since the last whole unit, as received. */
    private final Resp received = new Resp();
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private Phase phase = Phase.HANDSHAKE;
    private RdbTransfer transfer;
    private String fullSyncId;
    private long fullSyncOffset;
    private Client master;
    /** A command of the stream that CLIENT PAUSE holds back (Redis pauses the master client too), or null. */
    private byte[][] held;
    /** {@link #held} waits for the pause to end ({@link #unpaused} then runs it). */
    private boolean heldUntilUnpaused;
    /** The FACK of the last ACK sent, or -1. */
    private long fackSent = -1;
    /** A GETACK was answered with a FACK short of this offset: an ACK follows once the AOF fsynced more (or -1). */
    private long fackOwedFor = -1;
    /** Stream offset of the first byte the parser has not consumed. */
    private long parsedOffset;
    /** The snapshot arrived but could not be loaded: trying again at once would likely fail the same way. */
    private boolean loadFailed;

    PrimaryConnection(ReplicaLink link, Node node) {
        this.link = link;
        this.node = node;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        link.handshaking(this);
        send("PING");
        awaited.add(Step.PING);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        if (phase == Phase.CLOSED) {
            data.release();
            return;
        }
        link.heardFromPrimary();
        if (phase == Phase.STREAM) {
            appendToStreamBuffer(data);
        } else {
            in = in == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, data);
        }
        try {
            process();
        } catch (ProtocolException | IOException | RuntimeException e) {
            fail(e.getMessage());
        }
        settleInput();
    }

    /** After the input was processed: what was read is dropped (the stream's heap buffer is kept for the next read). */
    private void settleInput() {
        if (in != null && !in.isReadable()) {
            if (phase == Phase.STREAM && in.hasArray()) {
                in.clear();
            } else {
                in.release();
                in = null;
            }
        } else if (in != null && in.readerIndex() > 64 * 1024 && in.refCnt() == 1) {
            in.discardReadBytes(); // not while slices of the snapshot still point into it
        }
    }

    /**
     * The stream is parsed a byte at a time, which costs several times more from a direct buffer than from heap
     * memory: each read is copied (in bulk) into one heap buffer, kept for the connection's life.
     */
    private void appendToStreamBuffer(ByteBuf data) {
        try {
            if (in == null || !in.hasArray()) {
                int pending = in == null ? 0 : in.readableBytes();
                ByteBuf heap = ctx.alloc().heapBuffer(Math.max(STREAM_BUFFER, pending + data.readableBytes()));
                if (in != null) {
                    heap.writeBytes(in);
                    in.release();
                }
                in = heap;
            }
            in.writeBytes(data);
        } finally {
            data.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (master != null) {
            master.releaseMaster();
        }
        if (in != null) {
            in.release();
            in = null;
        }
        if (transfer != null && was != Phase.LOADING) {
            RdbTransfer t = transfer;
            link.syncThread().execute(t::discard);
        }
        link.lost(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause.getMessage());
    }

    /** Ends this connection; the link reconnects on its next tick. */
    void fail(String why) {
        if (phase != Phase.CLOSED) {
            ReplicaLink.log("Replication link to the primary failed: " + why);
        }
        close();
    }

    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private void process() throws ProtocolException, IOException {
        while (in != null && in.isReadable()) {
            switch (phase) {
                case HANDSHAKE -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    handshakeReply(line);
                }
                case PSYNC -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    psyncReply(line);
                }
                case PREAMBLE -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    preamble(line);
                }
                case PAYLOAD -> {
                    if (transfer.take(in)) {
                        payloadDone();
                        return;
                    }
                    if (transfer.throttle(() -> ctx.executor().execute(this::unthrottle))) {
                        ctx.channel().config().setAutoRead(false);
                    }
                }
                case STREAM -> {
                    stream();
                    return;
                }
                case LOADING, CLOSED -> {
                    return;
                }
            }
        }
    }

    private void unthrottle() {
        if (phase == Phase.PAYLOAD) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** A line ended by LF (CRLF or a lone LF, which primaries send as a keep-alive), or null when incomplete. */
    private String readLine() {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > 64 * 1024) {
                throw new IllegalStateException("reply line too long");
            }
            return null;
        }
        int end = lf > in.readerIndex() && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        return line;
    }

    // ---- handshake

    private void handshakeReply(String line) {
        if (line.isEmpty()) {
            return;
        }
        Step step = awaited.poll();
        if (step == null) {
            throw new IllegalStateException("unexpected reply during the handshake: " + line);
        }
        boolean error = line.startsWith("-");
        switch (step) {
            case PING -> {
                // A primary that wants AUTH still proves it is there; the AUTH that follows settles it.
                if (error && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                        && !line.startsWith("-ERR operation not permitted")) {
                    throw new IllegalStateException("Error reply to PING from master: '" + line + "'");
                }
                sendHandshake();
            }
            case AUTH -> {
                if (error) {
                    throw new IllegalStateException("Unable to AUTH to MASTER: " + line);
                }
            }
            case PORT -> {
                if (error) {
                    ReplicaLink.log("(Non critical) Master does not understand REPLCONF listening-port: " + line);
                }
            }
            case IP -> {
                if (error) {
                    ReplicaLink.log("(Non critical) Master does not understand REPLCONF ip-address: " + line);
                }
            }
            case CAPA -> {
                if (error) {
                    ReplicaLink.log("(Non critical) Master does not understand REPLCONF capa: " + line);
                }
            }
        }
        if (awaited.isEmpty()) {
            phase = Phase.PSYNC;
            ReplicaLink.PsyncRequest request = link.psyncRequest();
            if (link.failoverPending()) {
                send("PSYNC", request.replId(), Long.toString(request.offset()), "FAILOVER");
            } else {
                send("PSYNC", request.replId(), Long.toString(request.offset()));
            }
        }
    }

    /**
     * The port the primary lists for this replica (and FAILOVER connects to): replica-announce-port, else, as
     * Redis, the tls-port when replication runs over TLS, else the plain port.
     */
    private static int announcedPort(ServerConfig config) {
        int announced = config.find("replica-announce-port").asInt();
        int tlsPort = config.find("tls-port").asInt();
        if (announced != 0) {
            return announced;
        }
        return config.find("tls-replication").asBool() && tlsPort != 0 ? tlsPort : config.port.asInt();
    }

    /** AUTH, REPLCONF listening-port, ip-address and capa in one write, as Redis sends them. */
    private void sendHandshake() {
        var config = node.config();
        String password = config.find("masterauth").text();
        Resp out = new Resp();
        if (!password.isEmpty()) {
            String user = config.find("masteruser").text();
            if (user.isEmpty()) {
                out.command("AUTH", password);
            } else {
                out.command("AUTH", user, password);
            }
            awaited.add(Step.AUTH);
        }
        out.command("REPLCONF", "listening-port", Integer.toString(announcedPort(config)));
        awaited.add(Step.PORT);
        String ip = config.find("replica-announce-ip").text();
        if (!ip.isEmpty()) {
            out.command("REPLCONF", "ip-address", ip);
            awaited.add(Step.IP);
        }
        out.command("REPLCONF", "capa", "eof", "capa", "psync2");
        awaited.add(Step.CAPA);
        write(out);
    }

    private void psyncReply(String line) {
        if (line.isEmpty()) {
            return; // the primary keeps the link alive while it prepares the snapshot
        }
        if (line.startsWith("+FULLRESYNC")) {
            String[] words = line.split(" ");
            if (words.length < 3 || words[1].length() != 40) {
                throw new IllegalStateException("Master replied with wrong +FULLRESYNC syntax: " + line);
            }
            fullSyncId = words[1];
            fullSyncOffset = Long.parseLong(words[2]);
            phase = Phase.PREAMBLE;
            link.fullResync(this, fullSyncId, fullSyncOffset);
            return;
        }
        if (line.startsWith("+CONTINUE")) {
            String newId = line.length() >= 10 + 40 ? line.substring(10, 50) : null;
            link.continued(this, newId);
            startStream(link.appliedOffset(), link.streamDb()); // the stream goes on in the database it selected
            return;
        }
        throw new IllegalStateException("Unexpected reply to PSYNC from master: " + line);
    }

    // ---- full resynchronisation

    private void preamble(String line) {
        if (line.isEmpty()) {
            return; // keep-alive while the primary produces the snapshot
        }
        if (line.startsWith("-")) {
            throw new IllegalStateException("MASTER aborted replication with an error: " + line.substring(1));
        }
        if (!line.startsWith("$")) {
            throw new IllegalStateException("Bad protocol from MASTER, the first byte is not '$' (we received '"
                    + line + "'), are you sure the host and port are right?");
        }
        if (line.startsWith("$EOF:")) {
            byte[] mark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            if (mark.length != RdbTransfer.MARK_LENGTH) {
                throw new IllegalStateException("bad EOF mark from MASTER: " + line);
            }
            transfer = RdbTransfer.delimited(mark, link.syncThread(), link.transferFile());
        } else {
            transfer = RdbTransfer.sized(Long.parseLong(line.substring(1)), link.syncThread(), link.transferFile());
        }
        phase = Phase.PAYLOAD;
        link.transferStarted(transfer);
    }

    /** The snapshot is in: stop reading (what follows is the stream) and load it on the sync thread. */
    private void payloadDone() {
        phase = Phase.LOADING;
        ctx.channel().config().setAutoRead(false);
        link.snapshotReplacesData(this, fullSyncId);
        boolean delimited = transfer.size() < 0;
        link.load(this, transfer, fullSyncId, fullSyncOffset, ok -> {
            if (phase != Phase.LOADING) {
                return; // closed meanwhile
            }
            if (!ok) {
                loadFailed = true;
                fail("the snapshot from the primary could not be loaded");
                return;
            }
            transfer = null;
            startStream(fullSyncOffset, link.streamDb()); // the snapshot's repl-stream-db
            if (delimited) {
                sendAck(); // a diskless primary starts the stream once it hears from us
            }
            ctx.channel().config().setAutoRead(true);
            try {
                process();
            } catch (ProtocolException | IOException | RuntimeException e) {
                fail(e.getMessage());
            }
        });
    }

    // ---- the stream

    private void startStream(long offset, int db) {
        phase = Phase.STREAM;
        parsedOffset = offset;
        master = Client.master(node, ctx.channel());
        master.select(db);
        link.streamDb(db);
        link.streaming(this, offset);
    }

    /**
     * Applies the whole requests read so far. The bytes consumed are kept as received (a request may span reads)
     * and forwarded verbatim at the end of each unit, so sub-replicas get the primary's very bytes and offsets.
     * The whole batch runs inside the sink's applying section: a sub-replica's snapshot point (or a save's) falls
     * between batches, where everything applied has been forwarded and counted.
     */
    private void stream() throws ProtocolException {
        ReplicationSink sink = link.sink();
        sink.beginApplying();
        node.keyspace().applyingPrimary(true);
        try {
            while (phase == Phase.STREAM) {
                if (!link.active()) {
                    close(); // REPLICAOF NO ONE replied already: nothing of the old primary's is applied after it
                    return;
                }
                byte[][] args = held;
                if (args == null) {
                    if (in == null || !in.isReadable()) {
                        break;
                    }
                    int before = in.readerIndex();
                    args = parser.parse(in);
                    int consumed = in.readerIndex() - before;
                    parsedOffset += consumed;
                    received.raw(in, before, consumed);
                    if (args == null) {
                        break;
                    }
                    if (RequestParser.isEmpty(args)) {
                        continue;
                    }
                } else if (heldUntilUnpaused) {
                    break; // what arrives meanwhile is read (the link stays alive) and kept
                }
                if (node.pause().holdsStream(master, node.commands().lookup(args[0]))) {
                    held = args;
                    heldUntilUnpaused = node.pause().parkStream(() -> ctx.executor().execute(this::unpaused));
                    if (heldUntilUnpaused) {
                        break;
                    }
                    continue; // the pause ended meanwhile
                }
                held = null;
                if (isGetAck(args)) {
                    // Answered here, with the offset before this request as Redis acknowledges; forwarded like the rest.
                    answerGetAck();
                    if (!master.transaction().open()) {
                        forward(sink);
                    }
                } else if (endsUnit(args)) {
                    apply(args);
                    forward(sink);
                } else {
                    apply(args); // MULTI or a command it queues: nothing applied until EXEC
                }
            }
        } finally {
            node.keyspace().applyingPrimary(false);
            sink.endApplying();
        }
        link.read(parsedOffset + (in == null ? 0 : in.readableBytes()));
        if (received.length() == 0) {
            received.shrink();
        }
    }

    /** CLIENT PAUSE ended: the held command runs, then what was read meanwhile. */
    private void unpaused() {
        heldUntilUnpaused = false;
        if (phase != Phase.STREAM || held == null) {
            return;
        }
        try {
            stream();
        } catch (ProtocolException | RuntimeException e) {
            fail(e.getMessage());
        }
        settleInput();
    }

    /**
     * Whether this command completes a unit of the stream (Redis propagates transactions and scripts' effects as
     * whole MULTI/EXEC blocks): outside MULTI any command but MULTI, inside it EXEC or DISCARD.
     */
    private boolean endsUnit(byte[][] args) {
        if (master.transaction().open()) {
            return equalsLowerCase(args[0], EXEC) || equalsLowerCase(args[0], DISCARD);
        }
        return !equalsLowerCase(args[0], MULTI);
    }

    /** Runs one request as the master client; it gets no replies. */
    private void apply(byte[][] args) {
        node.dispatcher().dispatch(master, args);
        master.reply().discard();
    }

    /** The unit ending here was applied: its bytes go to the backlog and sub-replicas, and it counts as applied. */
    private void forward(ReplicationSink sink) {
        link.streamDb(master.dbIndex()); // before the bytes are forwarded: a snapshot point sees both or neither
        sink.feedVerbatim(received.array(), 0, received.length());
        received.clear();
        link.applied(parsedOffset);
    }

    /** REPLCONF GETACK is answered by the link itself: the master client is the one client that gets replies. */
    private static boolean isGetAck(byte[][] args) {
        return args.length >= 2 && equalsLowerCase(args[0], REPLCONF) && equalsLowerCase(args[1], GETACK);
    }

    private static boolean equalsLowerCase(byte[] a, byte[] lower) {
        if (a.length != lower.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * REPLCONF ACK with the offset applied so far (once a second, on GETACK, after a diskless load), and with the
     * AOF on FACK and the offset fsynced to it, as a Redis 7.2 replica (the primary's WAITAOF counts it). Not
     * during an AOF rewrite: the one after a full sync is what makes the loaded data durable.
     */
    void sendAck() {
        if (phase != Phase.STREAM) {
            return;
        }
        String applied = Long.toString(link.appliedOffset());
        var aof = node.aof();
        long fsynced = aof.fsyncProgress().tag();
        if (aof.enabled() && !aof.rewriting() && fsynced >= 0) {
            send("REPLCONF", "ACK", applied, "FACK", Long.toString(fsynced));
            fackSent = fsynced;
        } else {
            send("REPLCONF", "ACK", applied);
        }
    }

    /**
     * GETACK (a client of the primary waits): the ACK now, and when its FACK is short of the offset acknowledged
     * (the AOF has not fsynced the last writes yet) another as soon as it has, rather than a second later.
     */
    private void answerGetAck() {
        sendAck();
        long applied = link.appliedOffset();
        if (node.aof().enabled() && fackSent < applied) {
            fackOwedFor = applied;
            link.fackOwed(true);
        }
    }

    /** The AOF fsynced more (on the link loop, while an ACK is owed). */
    void fsyncProgressed() {
        if (fackOwedFor >= 0 && phase == Phase.STREAM && node.aof().fsyncProgress().tag() > fackSent) {
            sendAck();
        }
        if (fackOwedFor < 0 || fackSent >= fackOwedFor || phase != Phase.STREAM || !node.aof().enabled()) {
            fackOwedFor = -1;
            link.fackOwed(false);
        }
    }

    boolean loading() { return phase == Phase.LOADING; }

    /** Whether a full synchronisation that failed here may be tried again at once (not after a failed load). */
    boolean retryAtOnce() { return !loadFailed; }

    private void send(String... args) {
        Resp out = new Resp();
        out.command(args);
        write(out);
    }

    private void write(Resp out) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(Arrays.copyOf(out.array(), out.length())));
    }

    @Override
    public long maxBulkLength() {
        return Long.MAX_VALUE; // the primary's stream is trusted as the primary ran it
    }

    @Override
    public long maxQueryBuffer() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean authRequired() {
        return false;
    }
}
