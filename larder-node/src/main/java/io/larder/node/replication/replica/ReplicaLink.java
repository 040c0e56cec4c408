package io.larder.node.replication.replica;

import io.larder.node.config.ConfigException;
import io.larder.node.config.ServerConfig;
import io.larder.node.persistence.Persistence;
import io.larder.node.server.Node;
import io.larder.resp.ReplyWriter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The node's replica side: whom it replicates (REPLICAOF, {@code replicaof}), the state of the link as ROLE and
 * INFO report it, the primary's history it follows (replication id and the offset applied, kept across a lost
 * link for PSYNC) and the once-a-second work of Redis's replicationCron (connect, time out, acknowledge).
 * <p>
 * Connections and every change of the link's state run on one event loop of the node; REPLICAOF only records
 * the new primary (so that its reply, ROLE and INFO see it at once) and hands the rest to that loop.
 */
public final class ReplicaLink {
    /** Redis's repl_state as ROLE names it (the handshake states are one here). */
    public enum State {
        NONE("none"), CONNECT("connect"), CONNECTING("connecting"), HANDSHAKE("handshake"), TRANSFER("sync"),
        CONNECTED("connected");

        private final String roleName;

        State(String roleName) {
            this.roleName = roleName;
        }

        public String roleName() { return roleName; }
    }

    /** What the next PSYNC asks for: the history to continue and the first offset wanted, or "?" and -1. */
    record PsyncRequest(String replId, long offset) {
    }

    private final Node node;
    private final ReplicationSink sink;
    private final ExecutorService syncThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "larder-repl-sync");
        t.setDaemon(true);
        return t;
    });
    private volatile EventLoop loop;
    private ScheduledFuture<?> cron;

    // Set by REPLICAOF at once, under this lock.
    private volatile String host;
    private volatile int port;
    private volatile State state = State.NONE;

    // The link loop's own state.
    private PrimaryConnection connection;
    /** The connection owes its primary an ACK with a newer FACK (see {@link #fsyncProgressed}). */
    private volatile boolean fackOwed;
    /** The history followed: the primary's replication id; with {@code resumable} PSYNC asks to continue it. */
    private volatile String primaryReplId;
    private volatile boolean resumable;
    private volatile long appliedOffset;
    private volatile long readOffset;
    private volatile boolean streaming;
    /**
     * The database the primary's stream has selected after the last unit applied and forwarded (or where it starts
     * after a full resynchronisation: the snapshot's repl-stream-db): a partial resynchronisation continues in
     * it, and a sub-replica's full sync starts in it. Written on the link loop inside the sink's applying section,
     * so a sub-replica's snapshot point reads the database of the forwarded stream at that point.
     */
    private volatile int streamDb;
    private volatile long lastIoMillis;
    private volatile long downSinceMillis;
    private volatile RdbTransfer transfer;
    /** The history the RDB file loaded at start-up records, for the first REPLICAOF (the configured one). */
    private Persistence.History restored;
    /** Set while this node hands its role to the primary it now follows (FAILOVER): told of the PSYNC answer. */
    private volatile Consumer<Boolean> failoverAnswer;

    public ReplicaLink(Node node, ReplicationSink sink) {
        this.node = node;
        this.sink = sink;
    }

    public ReplicationSink sink() { return sink; }

    /** True while the node is a replica (REPLICAOF host port), connected or not. */
    public boolean active() { return host != null; }

    public State state() { return state; }

    public String host() { return host; }

    public int port() { return port; }

    /** The primary's replication id of the history this replica follows (null before any). */
    public String primaryReplId() { return primaryReplId; }

    /** Offset of the primary's stream applied here (the master client's reploff). */
    public long appliedOffset() { return appliedOffset; }

    /** Offset of the primary's stream received here, applied or not. */
    public long readOffset() { return readOffset; }

    /** Once the node listens: takes an event loop for the link and follows {@code replicaof} if set. */
    public void start(EventLoopGroup group) {
        loop = group.next();
        cron = loop.scheduleAtFixedRate(this::cron, 1, 1, TimeUnit.SECONDS);
        String configured = node.config().find("replicaof").text();
        if (!configured.isEmpty()) {
            String[] words = configured.split(" ");
            replicaOf(words[0], Integer.parseInt(words[1]));
        }
    }

    public void close() {
        if (cron != null) {
            cron.cancel(false);
        }
        EventLoop l = loop;
        if (l != null && !l.isShuttingDown()) {
            l.execute(this::dropConnection);
        }
        syncThread.shutdownNow();
    }

    // ---- REPLICAOF

    /** REPLICAOF host port: false when already following that primary (nothing changes). */
    public synchronized boolean replicaOf(String newHost, int newPort) {
        if (host != null && host.equalsIgnoreCase(newHost) && port == newPort) {
            log("REPLICAOF would result into synchronization with the master we are already connected with. "
                    + "No operation performed.");
            return false;
        }
        boolean wasPrimary = host == null;
        host = newHost;
        port = newPort;
        state = State.CONNECT;
        showInConfig(newHost + " " + newPort);
        node.keyspace().expiriesFromPrimary(true);
        node.blocked().disconnectAll("UNBLOCKED force unblock from blocking operation, instance state changed "
                + "(master -> replica?)");
        log("Connecting to MASTER " + newHost + ":" + newPort);
        if (wasPrimary) {
            // Our own history is the one to continue with the new primary (PSYNC2: it may share it), or the one
            // the RDB file loaded at start-up recorded. No link exists yet, so nothing on the loop writes these.
            Persistence.History h = restored;
            restored = null;
            primaryReplId = h != null ? h.replId() : sink.replId();
            appliedOffset = readOffset = h != null ? h.offset() : sink.offset();
            resumable = true;
            sink.becomeReplicaOf(primaryReplId, appliedOffset); // from now on only the primary's stream is forwarded
        }
        onLoop(() -> {
            dropConnection();
            connect();
        });
        return true;
    }

    /**
     * FAILOVER's handoff: this primary follows {@code newHost}, asking it with PSYNC ... FAILOVER to take over;
     * {@code answered} learns (on the link loop) whether it accepted (+CONTINUE or +FULLRESYNC) or not (an
     * error, or the link lost before the answer).
     */
    public synchronized void failoverTo(String newHost, int newPort, Consumer<Boolean> answered) {
        failoverAnswer = answered;
        replicaOf(newHost, newPort);
    }

    /** The PSYNC of a failover was answered, or will never be. */
    private void failoverAnswered(boolean accepted) {
        Consumer<Boolean> answer = failoverAnswer;
        failoverAnswer = null;
        if (answer != null) {
            answer.accept(accepted);
        }
    }

    /** Whether the next PSYNC asks the primary to hand over its role (FAILOVER). */
    boolean failoverPending() { return failoverAnswer != null; }

    /**
     * The RDB file loaded at start-up records the primary's history this replica had reached (Redis's cached
     * master made from it): the first PSYNC asks to continue it. Called before the node connects (it does not
     * while loading), whether or not the configured REPLICAOF was taken already.
     */
    public synchronized void restoreHistory(Persistence.History history) {
        log("Before turning into a replica, using my own master parameters to synthesize a cached master: I may be "
                + "able to synchronize with the new master with just a partial transfer.");
        streamDb = history.streamDb();
        if (host == null) {
            restored = history;
            return;
        }
        primaryReplId = history.replId();
        appliedOffset = readOffset = history.offset();
        resumable = true;
        sink.becomeReplicaOf(history.replId(), history.offset());
    }

    /**
     * Whether this replica holds a primary's history to record in a save (Redis: a master or a cached master).
     * The offset is {@link #appliedOffset}, which moves under the sink's snapshot-point lock with the data.
     */
    public boolean hasHistory() {
        return host != null && (streaming || resumable) && primaryReplId != null;
    }

    /** REPLICAOF NO ONE: the node becomes a primary, keeping its data; its history continues under a new id. */
    public void noOne() {
        noOne(() -> { });
    }

    /** REPLICAOF NO ONE, then {@code promoted} on the link loop once the node's history has its new id. */
    public synchronized void noOne(Runnable promoted) {
        if (host == null) {
            promoted.run();
            return;
        }
        host = null;
        state = State.NONE;
        showInConfig("");
        log("MASTER MODE enabled");
        // The new id at once, as INFO and a PSYNC ... FAILOVER right after must see it. A unit the link applies
        // meanwhile counts as this node's own write (the sink forwards only while replicating).
        sink.shiftReplIds();
        // The stream this node writes from now on starts with SELECT, whatever the primary had selected.
        node.propagation().forgetSelectedDb();
        node.keyspace().expiriesFromPrimary(false);
        onLoop(() -> {
            dropConnection();
            resumable = false;
            transfer = null;
            downSinceMillis = 0;
            failoverAnswered(false);
            promoted.run();
        });
    }

    private void showInConfig(String value) {
        try {
            node.config().find("replicaof").setValidated(value);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private void onLoop(Runnable task) {
        EventLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("the node is not serving yet");
        }
        if (l.inEventLoop()) {
            task.run();
        } else {
            l.execute(task);
        }
    }

    // ---- the link's life (link loop only)

    private void connect() {
        // Not while the data set loads at start-up: its history decides what PSYNC asks (the cron comes back).
        if (host == null || connection != null || node.persistence().loading()) {
            return;
        }
        ServerConfig config = node.config();
        PrimaryConnection conn = new PrimaryConnection(this, node);
        connection = conn;
        state = State.CONNECTING;
        lastIoMillis = System.currentTimeMillis();
        Class<? extends Channel> channelClass = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.find("repl-timeout").asLong() * 1000))
                .option(ChannelOption.TCP_NODELAY, !config.find("repl-disable-tcp-nodelay").asBool())
                .handler(config.find("tls-replication").asBool() ? overTls(conn, host, port) : conn)
                .connect(host, port).addListener(f -> {
                    if (!f.isSuccess() && connection == conn) {
                        log("Error condition on socket for SYNC: " + f.cause().getMessage());
                        connection = null;
                        failoverAnswered(false);
                        if (host != null) {
                            state = State.CONNECT;
                        }
                    }
                });
    }

    /**
     * With tls-replication the link runs TLS (the port given to REPLICAOF is then the primary's tls-port): the
     * handshake comes first, the PING the connection sends on connect waits for it, and a certificate our CAs do
     * not trust fails the handshake, which ends the connection like any other error; the cron retries.
     */
    private ChannelInitializer<Channel> overTls(PrimaryConnection conn, String host, int port) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler tls = node.server().newTlsClientHandler(ch.alloc(), host, port);
                tls.handshakeFuture().addListener(f -> {
                    if (!f.isSuccess()) { // the engine's own message is vague; the root cause names the reason
                        Throwable why = f.cause();
                        while (why.getCause() != null) {
                            why = why.getCause();
                        }
                        log("TLS handshake with MASTER " + host + ":" + port + " failed: " + why);
                    }
                });
                ch.pipeline().addLast(tls, conn);
            }
        };
    }

    private void dropConnection() {
        PrimaryConnection conn = connection;
        if (conn != null) {
            lost(conn); // at once: a new connection may start before the old one's close completes
            conn.close();
        }
    }

    /** Redis's replicationCron, once a second. */
    private void cron() {
        try {
            if (host == null) {
                return;
            }
            long now = System.currentTimeMillis();
            long timeout = node.config().find("repl-timeout").asLong() * 1000;
            PrimaryConnection conn = connection;
            switch (state) {
                case CONNECT -> connect();
                case CONNECTING, HANDSHAKE -> {
                    if (now - lastIoMillis > timeout) {
                        log("Timeout connecting to the MASTER...");
                        dropConnection();
                    }
                }
                case TRANSFER -> {
                    if (conn != null && !conn.loading() && now - lastIoMillis > timeout) {
                        log("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                                + "'repl-timeout' parameter in redis.conf to a larger value.");
                        dropConnection();
                    }
                }
                case CONNECTED -> {
                    if (now - lastIoMillis > timeout) {
                        log("MASTER timeout: no data nor PING received...");
                        dropConnection();
                    } else if (conn != null) {
                        conn.sendAck();
                    }
                }
                case NONE -> {
                }
            }
        } catch (RuntimeException e) {
            log("replication cron: " + e);
        }
    }

    // ---- reports from the connection (link loop)

    void handshaking(PrimaryConnection conn) {
        if (conn == connection && host != null) {
            state = State.HANDSHAKE;
            lastIoMillis = System.currentTimeMillis();
        }
    }

    void heardFromPrimary() {
        lastIoMillis = System.currentTimeMillis();
    }

    PsyncRequest psyncRequest() {
        if (resumable && primaryReplId != null) {
            log("Trying a partial resynchronization (request " + primaryReplId + ":" + (appliedOffset + 1) + ").");
            return new PsyncRequest(primaryReplId, appliedOffset + 1);
        }
        log("Partial resynchronization not possible (no cached master)");
        return new PsyncRequest("?", -1);
    }

    void fullResync(PrimaryConnection conn, String replId, long offset) {
        if (conn != connection) {
            return;
        }
        log("Full resync from master: " + replId + ":" + offset);
        failoverAnswered(true);
        transfer = null;
        state = State.TRANSFER;
    }

    /**
     * The snapshot is in and replaces the data set: the history held so far can no longer be continued. Until
     * now a failed transfer could still be followed by a PSYNC of it, as Redis keeps its cached master until here.
     */
    void snapshotReplacesData(PrimaryConnection conn, String replId) {
        if (conn == connection) {
            resumable = false;
            primaryReplId = replId;
        }
    }

    void transferStarted(RdbTransfer t) {
        transfer = t;
        log("MASTER <-> REPLICA sync: receiving " + (t.size() < 0 ? "streamed RDB from master with EOF to "
                + (t.file() == null ? "parser" : "disk") : t.size() + " bytes from master to "
                + (t.file() == null ? "parser" : "disk")));
    }

    void continued(PrimaryConnection conn, String newReplId) {
        if (conn != connection) {
            return;
        }
        log("Successful partial resynchronization with master.");
        failoverAnswered(true);
        if (newReplId != null && !newReplId.equals(primaryReplId)) {
            log("Master replication ID changed to " + newReplId);
            sink.adoptReplId(newReplId);
            primaryReplId = newReplId;
        }
        log("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    }

    /** The stream starts (after a load, or on +CONTINUE) at {@code offset}. */
    void streaming(PrimaryConnection conn, long offset) {
        if (conn != connection || host == null) {
            return;
        }
        appliedOffset = readOffset = offset;
        // Offsets fsynced before are of the stream as it was (perhaps another primary's): FACK starts afresh.
        node.aof().fsyncProgress().newTagHistory();
        resumable = true;
        streaming = true;
        transfer = null;
        downSinceMillis = 0;
        state = State.CONNECTED;
    }

    /** See {@link #streamDb}. */
    public int streamDb() { return streamDb; }

    void streamDb(int db) { streamDb = db; }

    void applied(long offset) { appliedOffset = offset; }

    void fackOwed(boolean owed) { fackOwed = owed; }

    /** The AOF fsynced more (any thread): an ACK owed for a GETACK goes out on the link's loop. */
    public void fsyncProgressed() {
        EventLoop l = loop;
        if (fackOwed && l != null) {
            l.execute(() -> {
                PrimaryConnection c = connection;
                if (c != null) {
                    c.fsyncProgressed();
                } else {
                    fackOwed = false;
                }
            });
        }
    }

    void read(long offset) { readOffset = offset; }

    void lost(PrimaryConnection conn) {
        if (conn != connection) {
            return;
        }
        failoverAnswered(false);
        connection = null;
        transfer = null;
        if (state == State.TRANSFER && host != null && conn.retryAtOnce()) {
            // A transfer that failed (a write error, a cut, a timeout): Redis tries again at once. After a failed
            // load the cron's next tick does, so that a snapshot this node cannot load is not asked for in a loop.
            loop.execute(this::connect);
        }
        if (streaming) {
            streaming = false;
            downSinceMillis = System.currentTimeMillis();
            log("Connection with master lost; the link will try a partial resynchronization from offset "
                    + (appliedOffset + 1));
        }
        if (host != null) {
            state = State.CONNECT;
        }
    }

    ExecutorService syncThread() { return syncThread; }

    /** Where a disk-style transfer is written, or null to keep it in memory (repl-diskless-load). */
    Path transferFile() {
        if (!node.config().find("repl-diskless-load").text().equals("disabled")) {
            return null;
        }
        return Path.of(node.config().find("dir").text())
                .resolve("temp-" + System.currentTimeMillis() / 1000 + "." + ProcessHandle.current().pid() + ".rdb");
    }

    /**
     * On the sync thread, once every received byte is written: replaces the data set with the snapshot, then tells
     * {@code done} (on the link loop) whether it worked.
     */
    void load(PrimaryConnection conn, RdbTransfer t, String replId, long offset, Consumer<Boolean> done) {
        syncThread.execute(() -> {
            boolean ok = false;
            try (InputStream data = t.open()) {
                int[] db = {0}; // repl-stream-db: the database the primary's stream has selected at the snapshot
                java.util.function.BiConsumer<String, byte[]> aux = (name, value) -> {
                    if (name.equals("repl-stream-db")) {
                        db[0] = Integer.parseInt(new String(value, StandardCharsets.US_ASCII));
                    }
                };
                long keys;
                if (t.file() == null && node.config().find("repl-diskless-load").text().equals("swapdb")) {
                    // The old data set stays until the new one is in, and is kept if that fails; it is served
                    // meanwhile when the snapshot continues its history (the same replication id), as Redis does.
                    boolean async = replId.equals(sink.replId());
                    log("MASTER <-> REPLICA sync: Loading DB in memory"
                            + (async ? " (async, serving the old data)" : ""));
                    keys = node.persistence().loadFromPrimaryAside(data, t.received(), aux, async);
                    log("MASTER <-> REPLICA sync: Discarding old data");
                } else {
                    log("MASTER <-> REPLICA sync: Flushing old data");
                    log("MASTER <-> REPLICA sync: Loading DB in memory");
                    keys = node.persistence().loadFromPrimary(data, t.received(), aux);
                }
                if (t.file() != null) {
                    Files.move(t.file(), node.persistence().file(), StandardCopyOption.REPLACE_EXISTING);
                }
                streamDb = db[0];
                sink.becomeReplicaOf(replId, offset);
                sink.disconnectReplicas(); // their data is not ours any more: they resynchronise
                log("MASTER <-> REPLICA sync: Finished with success (" + keys + " keys)");
                ok = true;
                if (node.aof().enabled()) {
                    node.aof().bgrewrite(); // the AOF must start again from the new data set
                }
            } catch (IOException | RuntimeException e) {
                log("Failed trying to load the MASTER synchronization DB from " + (t.file() == null ? "socket" : "disk")
                        + ": " + e.getMessage());
                t.discard();
            }
            boolean result = ok;
            loop.execute(() -> done.accept(result));
        });
    }

    // ---- the disk

    private volatile long diskErrorLoggedMillis;
    private volatile boolean panicked;

    /** Whether this node cannot write to disk: an AOF write error, or a failed save with stop-writes-on-bgsave-error. */
    public boolean diskWriteError() {
        return node.persistence().writesDenied() || node.aof().writeError() != null;
    }

    /**
     * Redis's rule for the primary's writes (and PINGs) while {@link #diskWriteError()}: they are not refused as
     * clients' are, since the replica would silently diverge. With replica-ignore-disk-write-errors no (the
     * default) a write stops the node (Redis panics; a restart resynchronises it); with yes it is applied, and
     * that is logged every 10 seconds.
     */
    public boolean appliesDespiteDiskError(boolean write) {
        if (panicked) {
            return false;
        }
        if (write && !node.config().find("replica-ignore-disk-write-errors").asBool()) {
            panicked = true;
            if (node.server() != null) {
                node.server().panic("Replica was unable to write command to disk.");
            }
            return false;
        }
        long now = System.currentTimeMillis();
        if (now - diskErrorLoggedMillis > 10_000) {
            diskErrorLoggedMillis = now;
            log("Replica is applying a command even though it is unable to write to disk.");
        }
        return true;
    }

    // ---- introspection

    /** The replica's fields of INFO replication, after role:slave, in Redis's order. */
    public void info(BiConsumer<String, Object> field) {
        long now = System.currentTimeMillis();
        State s = state;
        boolean linked = streaming;
        field.accept("master_host", host);
        field.accept("master_port", port);
        field.accept("master_link_status", s == State.CONNECTED ? "up" : "down");
        field.accept("master_last_io_seconds_ago", linked ? (now - lastIoMillis) / 1000 : -1);
        field.accept("master_sync_in_progress", s == State.TRANSFER ? 1 : 0);
        // Redis reports 1 while it holds neither a primary nor a cached one (during a full resynchronisation).
        field.accept("slave_read_repl_offset", linked || resumable ? readOffset : 1);
        field.accept("slave_repl_offset", linked || resumable ? appliedOffset : 1);
        RdbTransfer t = transfer;
        if (s == State.TRANSFER) {
            long size = t == null ? -1 : t.size();
            long read = t == null ? 0 : t.received();
            field.accept("master_sync_total_bytes", size);
            field.accept("master_sync_read_bytes", read);
            field.accept("master_sync_left_bytes", size - read);
            field.accept("master_sync_perc", String.format(Locale.ROOT, "%.2f", size == 0 ? 0.0 : (double) read / size * 100));
            field.accept("master_sync_last_io_seconds_ago", (now - lastIoMillis) / 1000);
        }
        if (s != State.CONNECTED) {
            long down = downSinceMillis;
            field.accept("master_link_down_since_seconds", down != 0 ? (now - down) / 1000 : -1);
        }
        ServerConfig config = node.config();
        field.accept("slave_priority", config.find("replica-priority").asLong());
        field.accept("slave_read_only", config.find("replica-read-only").asBool() ? 1 : 0);
        field.accept("replica_announced", config.find("replica-announced").asBool() ? 1 : 0);
    }

    /** ROLE of a replica: slave, the primary's host and port, the link's state, the offset applied (-1 unlinked). */
    public void role(ReplyWriter reply) {
        reply.array(5);
        reply.bulk("slave");
        reply.bulk(host);
        reply.integer(port);
        reply.bulk(state.roleName());
        reply.integer(streaming ? appliedOffset : -1);
    }

    static void log(String message) {
        System.out.println(message);
    }
}
