package io.larder.node.replication;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.propagation.CommandLog;
import io.larder.node.propagation.Propagation;
import io.larder.node.propagation.Resp;
import io.larder.node.server.Client;
import io.larder.node.server.Node;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The node's replication state as a primary: replication ids and offset, the backlog, the connected replicas,
 * full and partial resynchronization, WAIT and the min-replicas rule.
 * <p>
 * The backlog exists from the first replica's SYNC/PSYNC until no replica has been connected for
 * {@code repl-backlog-ttl} seconds; while it exists it is one of the {@link Propagation} logs, so every
 * propagated unit is appended to it whole, and {@code master_repl_offset} counts its bytes. While it does not,
 * nothing is attached for it and writes pay nothing.
 * <p>
 * Heartbeats (PING into the stream, keep-alive newlines to replicas waiting for their RDB), timeouts, the start
 * of pending full syncs and the backlog's time to live run on one small scheduler thread, started with the
 * first replica; RDB payloads are produced on a thread of their own ({@link FullSync}).
 */
public final class Replication implements CommandLog, io.larder.node.replication.replica.ReplicationSink {
    static final String ZERO_ID = "0".repeat(40);
    private static final byte[][] PING = {bytes("PING")};
    private static final byte[][] GETACK = {bytes("REPLCONF"), bytes("GETACK"), bytes("*")};
    private static final long CRON_MILLIS = 100;

    private final Node node;
    private final ServerConfig config;
    private final Keyspace keyspace;
    private final Propagation propagation;
    /** Read by every command (NOREPLICAS): a field read, not a lookup by name. */
    private final ConfigParam minReplicasToWrite;
    private final ConfigParam minReplicasMaxLag;

    private volatile String replId = newId();
    private volatile String replId2 = ZERO_ID;
    private volatile long secondOffset = -1;
    /** Null while there is no backlog; replaced only under this object's lock and every stripe. */
    private volatile ReplicationBuffer buffer;
    /** master_repl_offset while there is no backlog. */
    private volatile long offsetWithoutBacklog;
    /** This node applies a primary's stream (set by the replica side): nothing is fed from propagation then. */
    private volatile boolean replicating;

    private final Map<Long, ReplicaConnection> byClient = new ConcurrentHashMap<>();
    private final List<ReplicaConnection> replicas = new CopyOnWriteArrayList<>();
    private volatile long noReplicasSinceMillis = System.currentTimeMillis();
    private volatile int goodReplicas;
    private final AtomicLong syncFull = new AtomicLong();
    private final AtomicLong syncPartialOk = new AtomicLong();
    private final AtomicLong syncPartialErr = new AtomicLong();
    private final Waits waits = new Waits(this);
    private final Failover failover;
    private final ShutdownWait shutdownWait;
    private final java.util.concurrent.locks.ReentrantReadWriteLock cutLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    private ScheduledExecutorService cron;
    /** A GETACK was asked for while clients were paused. */
    private volatile boolean getAckPending;
    private long lastSecondTick;
    private long secondTicks;
    /** Guarded by this: the full sync under way, if any, and when a postponed one may be tried again. */
    private FullSync running;
    private long retryNotBeforeMillis;

    public Replication(Node node) {
        this.node = node;
        this.config = node.config();
        this.keyspace = node.keyspace();
        this.propagation = node.propagation();
        this.minReplicasToWrite = config.find("min-replicas-to-write");
        this.minReplicasMaxLag = config.find("min-replicas-max-lag");
        this.failover = new Failover(node, this);
        // A replica's fsyncs are tagged with the primary's offset it applied (its FACK); any fsync may answer WAITAOF.
        node.aof().fsyncProgress().watch(() -> node.replicaLink().appliedOffset(), () -> {
            waits.check();
            node.replicaLink().fsyncProgressed();
        });
        this.shutdownWait = new ShutdownWait(node, this);
        node.persistence().replicationRecord(new SavedHistory(node, this));
        config.find("repl-backlog-size").onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) {
                ReplicationBuffer b = buffer;
                if (b != null) {
                    b.resize(backlogSize());
                }
            }
        });
    }

    // ---- the contract with the replica side

    @Override
    public String replId() { return replId; }

    public String replId2() { return replId2; }

    /** second_repl_offset: the first offset that replId2 does not cover any more, -1 without one. */
    public long secondOffset() { return secondOffset; }

    /** master_repl_offset. */
    @Override
    public long offset() {
        ReplicationBuffer b = buffer;
        return b != null ? b.end() : offsetWithoutBacklog;
    }

    /**
     * Bytes of a primary's stream this node applied, kept as they are for its own replicas (a chain). Called in
     * stream order by the replica side, inside {@link #beginApplying}/{@link #endApplying} for the bytes of units
     * applied there (or while nothing applied is still unforwarded).
     */
    @Override
    public void feedVerbatim(byte[] buf, int off, int len) {
        ReplicationBuffer b = buffer;
        if (b != null && replicating) { // once promoted, what the link still applies is propagated as our own
            b.append(buf, off, len);
            wakeReplicas();
        }
    }

    @Override
    public void beginApplying() {
        cutLock.readLock().lock();
    }

    @Override
    public void endApplying() {
        cutLock.readLock().unlock();
    }

    /** Taken by a full sync's snapshot point, before the stripes (the replica's applying sections hold it shared). */
    java.util.concurrent.locks.Lock cutLock() {
        return cutLock.writeLock();
    }

    /**
     * This node now follows a primary whose history is {@code newReplId} up to {@code offset}: after a full sync
     * the backlog restarts at that offset, unless it is this very history (same id, same end), which is kept (a
     * primary that starts following another). A +CONTINUE with a new id is {@link #adoptReplId}.
     */
    @Override
    public synchronized void becomeReplicaOf(String newReplId, long offset) {
        replicating = true;
        ReplicationBuffer b = buffer;
        if (b != null && b.end() == offset && newReplId.equals(replId)) {
            replaceBacklog(b); // the same history goes on: kept, but no longer fed by this node's own writes
        } else {
            replId2 = ZERO_ID;
            secondOffset = -1;
            replaceBacklog(new ReplicationBuffer(offset, backlogSize()));
        }
        replId = newReplId;
    }

    /**
     * +CONTINUE with another id: the primary's history goes on under {@code newReplId}, ours is the same up to
     * here, so the current id stays valid as replId2. Sub-replicas reconnect to learn the new id (as Redis).
     */
    @Override
    public void adoptReplId(String newReplId) {
        synchronized (this) {
            replId2 = replId;
            secondOffset = offset() + 1;
            replId = newReplId;
        }
        disconnectReplicas();
    }

    /**
     * PSYNC2 on promotion: the old id stays valid up to this offset as replId2, and a new history begins.
     * Sub-replicas reconnect to learn the new id, as Redis makes them.
     */
    @Override
    public void shiftReplIds() {
        synchronized (this) {
            replicating = false;
            replId2 = replId;
            secondOffset = offset() + 1;
            replId = newId();
            // The backlog goes on (or starts) and is fed by this node's own writes from now on.
            replaceBacklog(buffer != null ? buffer : new ReplicationBuffer(offsetWithoutBacklog, backlogSize()));
        }
        disconnectReplicas();
    }

    /**
     * A primary started from an RDB file that records its history up to {@code offset}: as Redis, that history
     * stays valid as the secondary id and the backlog starts there (under a new id), so replicas that followed it
     * continue with a partial resynchronisation.
     */
    synchronized void restoreAsPrimary(String savedId, long offset) {
        replId2 = savedId;
        secondOffset = offset + 1;
        replId = newId();
        replaceBacklog(new ReplicationBuffer(offset, backlogSize()));
        noReplicasSinceMillis = System.currentTimeMillis(); // repl-backlog-ttl counts from the start
        startCron();
    }

    /** Whether a backlog exists (a primary records its history in its RDB files then). */
    boolean hasBacklog() {
        return buffer != null;
    }

    /** Drops every replica connection (they reconnect and resynchronize). */
    @Override
    public void disconnectReplicas() {
        for (ReplicaConnection r : replicas) {
            r.close();
        }
    }

    /**
     * Installs (or, with null, removes) the backlog. It follows this node's writes only as a primary: a replica's
     * backlog is fed verbatim from its primary's stream, so nothing is attached for it then.
     */
    private void replaceBacklog(ReplicationBuffer next) {
        keyspace.lockAll();
        try {
            ReplicationBuffer old = buffer;
            if (old != null) {
                offsetWithoutBacklog = old.end();
            }
            buffer = next;
            if (next == null || replicating) {
                propagation.detach(this);
            } else {
                propagation.attach(this);
            }
        } finally {
            keyspace.unlockAll();
        }
    }

    // ---- the propagation log

    @Override
    public long append(byte[] resp, int length) {
        ReplicationBuffer b = buffer;
        if (b != null && !replicating) {
            b.append(resp, 0, length);
            wakeReplicas();
        }
        return 0;
    }

    @Override
    public boolean whenDurable(long position, Runnable action) {
        return false;
    }

    /** Appends a command of the replication protocol itself (PING, GETACK): to replicas only, never the AOF. */
    private void feedOwn(byte[][] command) {
        ReplicationBuffer b = buffer;
        if (b != null && !replicating) {
            Resp resp = new Resp();
            resp.command(command);
            b.append(resp.array(), 0, resp.length());
            wakeReplicas();
        }
    }

    private void wakeReplicas() {
        for (ReplicaConnection r : replicas) {
            r.wake();
        }
    }

    // ---- replicas

    /** The replication state of a connection, created when it first speaks REPLCONF, SYNC or PSYNC. */
    ReplicaConnection connection(Client c) {
        return byClient.computeIfAbsent(c.id(), id -> {
            ReplicaConnection r = new ReplicaConnection(c);
            c.channel().closeFuture().addListener(f -> closed(r));
            return r;
        });
    }

    /** The replica state of a connection that is a registered replica, else null. */
    ReplicaConnection replicaOf(Client c) {
        ReplicaConnection r = byClient.get(c.id());
        return r != null && r.registered ? r : null;
    }

    /** Whether the connection is a replica (CLIENT LIST flags S, CLIENT KILL TYPE replica). */
    public boolean isReplica(Client c) {
        return replicaOf(c) != null;
    }

    private void closed(ReplicaConnection r) {
        byClient.remove(r.client.id());
        if (replicas.remove(r)) {
            if (replicas.isEmpty()) {
                noReplicasSinceMillis = System.currentTimeMillis();
            }
            refreshGoodReplicas();
        }
    }

    /**
     * PSYNC's partial resynchronization: the stream from {@code psyncOffset} (Redis's offset of the first byte
     * the replica lacks) when this history is the replica's and the backlog still holds it. Replies +CONTINUE
     * and starts the stream; false (nothing sent) when a full resynchronization is needed.
     */
    synchronized boolean tryPartial(ReplicaConnection r, String askedId, long psyncOffset) {
        boolean ours = askedId.equalsIgnoreCase(replId)
                || askedId.equalsIgnoreCase(replId2) && psyncOffset <= secondOffset;
        ReplicationBuffer b = buffer;
        ReplicationBuffer.Cursor from = ours && b != null ? b.cursorAt(psyncOffset - 1) : null;
        if (from == null) {
            if (!askedId.equals("?")) {
                syncPartialErr.incrementAndGet();
            }
            return false;
        }
        register(r, ReplicaConnection.State.ONLINE);
        r.streamFrom(from);
        r.send(r.capaPsync2 ? "+CONTINUE " + replId + "\r\n" : "+CONTINUE\r\n");
        r.startStream();
        syncPartialOk.incrementAndGet();
        refreshGoodReplicas();
        return true;
    }

    /** SYNC, or PSYNC that cannot continue: the replica waits for the next full sync. */
    synchronized void fullResyncRequested(ReplicaConnection r, boolean preSync) {
        r.preSync = preSync;
        r.waitingSinceMillis = System.currentTimeMillis();
        register(r, ReplicaConnection.State.WAIT_BGSAVE_START);
        syncFull.incrementAndGet();
        if (buffer == null) {
            // A backlog from scratch has no past: a new id, and no second one (as Redis).
            replId = newId();
            replId2 = ZERO_ID;
            secondOffset = -1;
            replaceBacklog(new ReplicationBuffer(offsetWithoutBacklog, backlogSize()));
        }
        startPendingSync();
    }

    private void register(ReplicaConnection r, ReplicaConnection.State state) {
        r.state = state;
        r.ackMillis = System.currentTimeMillis();
        if (!r.registered) {
            r.registered = true;
            replicas.add(r);
            startCron();
        }
    }

    /**
     * Starts a full sync for the replicas waiting, unless one runs: diskless (when configured and every waiting
     * replica reads an EOF-marked payload) once the oldest has waited repl-diskless-sync-delay, else at once.
     */
    private synchronized void startPendingSync() {
        // A BGSAVE holds the snapshot slot: wait for it rather than stall every command to find out.
        if (running != null || node.persistence().bgsaveInProgress()
                || System.currentTimeMillis() < retryNotBeforeMillis) {
            return;
        }
        List<ReplicaConnection> waiting = new ArrayList<>();
        boolean allEof = true;
        long oldest = Long.MAX_VALUE;
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.WAIT_BGSAVE_START) {
                waiting.add(r);
                allEof &= r.capaEof;
                oldest = Math.min(oldest, r.waitingSinceMillis);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        boolean diskless = config.find("repl-diskless-sync").asBool() && allEof;
        if (diskless) {
            long delayMillis = config.find("repl-diskless-sync-delay").asLong() * 1000;
            long max = config.find("repl-diskless-sync-max-replicas").asLong();
            boolean enough = max > 0 && waiting.size() >= max;
            if (!enough && System.currentTimeMillis() - oldest < delayMillis) {
                return; // the cron looks again
            }
        }
        running = new FullSync(node, this, waiting, diskless);
        Thread t = new Thread(running, "larder-repl-sync");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The snapshot point of a full sync (the caller holds every stripe, so no write is half-way): the targets'
     * streams start here, and the next unit selects its database again. Returns the offset.
     */
    long cut(List<ReplicaConnection> targets) {
        ReplicationBuffer b = buffer;
        if (b == null) {
            throw new IllegalStateException("the backlog was dropped before the full sync began");
        }
        long offset;
        synchronized (b) {
            offset = b.end();
            for (ReplicaConnection r : targets) {
                r.streamFrom(b.cursorAtEnd());
                r.state = ReplicaConnection.State.WAIT_BGSAVE_END;
            }
        }
        propagation.forgetSelectedDb();
        return offset;
    }

    /** A full sync ended (whatever became of it); the next may start. */
    synchronized void syncEnded(FullSync sync) {
        if (running == sync) {
            running = null;
        }
    }

    /** A full sync could not start (another snapshot runs): its replicas wait for the next attempt. */
    synchronized void syncPostponed(FullSync sync, List<ReplicaConnection> targets) {
        for (ReplicaConnection r : targets) {
            r.state = ReplicaConnection.State.WAIT_BGSAVE_START;
        }
        retryNotBeforeMillis = System.currentTimeMillis() + 1000;
        syncEnded(sync);
    }

    /** REPLCONF ACK, with the offset fsynced to the replica's AOF when it said FACK (else -1). */
    void acked(ReplicaConnection r, long offset, long fsyncedOffset) {
        if (offset > r.ackOffset) {
            r.ackOffset = offset;
        }
        if (fsyncedOffset > r.aofAckOffset) {
            r.aofAckOffset = fsyncedOffset;
        }
        r.ackMillis = System.currentTimeMillis();
        r.acked();
        refreshGoodReplicas();
        waits.check();
    }

    // ---- WAIT and min-replicas

    /** Online replicas that acknowledged {@code position}. */
    int acknowledged(long position) {
        int n = 0;
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.ONLINE && r.ackOffset >= position) {
                n++;
            }
        }
        return n;
    }

    /** Online replicas that reported {@code position} fsynced to their AOF (WAITAOF). */
    int fsyncAcknowledged(long position) {
        int n = 0;
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.ONLINE && r.aofAckOffset >= position) {
                n++;
            }
        }
        return n;
    }

    /** WAITAOF's local count: 1 when the AOF is on and fsynced up to {@code aofPosition}, else 0. */
    int fsyncedLocally(long aofPosition) {
        return aofOn() && node.aof().fsyncProgress().position() >= aofPosition ? 1 : 0;
    }

    /** appendonly is on (or being turned on): WAITAOF may ask for a local fsync. */
    boolean aofOn() {
        return node.aof().on();
    }

    /**
     * Asks every replica for an ACK now (REPLCONF GETACK * in the stream). Not while clients are paused, as
     * Redis: it would move the offset (a failover waits for a replica to reach it); the cron sends it afterwards.
     */
    void requestAcks() {
        if (node.pause().mode() != io.larder.node.server.ClientPause.Mode.NONE) {
            getAckPending = true;
            return;
        }
        feedOwn(GETACK);
    }

    Waits waits() {
        return waits;
    }

    Failover failover() {
        return failover;
    }

    /** SHUTDOWN's wait for the replicas. */
    public ShutdownWait shutdownWait() {
        return shutdownWait;
    }

    /** The registered replicas, in the order they came. */
    List<ReplicaConnection> replicas() {
        return replicas;
    }

    /** min-replicas-to-write: false when writes must be refused with NOREPLICAS. */
    public boolean enoughGoodReplicas() {
        long min = minReplicasToWrite.asLong();
        return min == 0 || replicating || minReplicasMaxLag.asLong() == 0 || goodReplicas >= min;
    }

    private void refreshGoodReplicas() {
        long maxLag = minReplicasMaxLag.asLong();
        long now = System.currentTimeMillis();
        int good = 0;
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.ONLINE && (now - r.ackMillis) / 1000 <= maxLag) {
                good++;
            }
        }
        goodReplicas = good;
    }

    // ---- cron

    private synchronized void startCron() {
        if (cron == null) {
            cron = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "larder-repl-cron");
                t.setDaemon(true);
                return t;
            });
            cron.scheduleAtFixedRate(this::tick, CRON_MILLIS, CRON_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            startPendingSync();
            failover.check(now);
            if (getAckPending && node.pause().mode() == io.larder.node.server.ClientPause.Mode.NONE) {
                getAckPending = false;
                feedOwn(GETACK);
            }
            shutdownWait.check(now);
            enforceOutputLimits(now);
            if (now - lastSecondTick >= 1000) {
                lastSecondTick = now;
                everySecond(now);
            }
        } catch (RuntimeException e) {
            System.err.println("larder: replication cron: " + e);
        }
    }

    /** Redis's replicationCron: heartbeats, timeouts, good replicas, the backlog's time to live. */
    private void everySecond(long now) {
        secondTicks++;
        long period = config.find("repl-ping-replica-period").asLong();
        // No PING while failing over: it would move the offset the target must acknowledge (as Redis).
        if (!replicas.isEmpty() && secondTicks % period == 0 && !failover.active()) {
            feedOwn(PING);
        }
        long timeoutMillis = config.find("repl-timeout").asLong() * 1000;
        for (ReplicaConnection r : replicas) {
            ReplicaConnection.State s = r.state;
            boolean waitingForPayload = s == ReplicaConnection.State.WAIT_BGSAVE_START
                    || s == ReplicaConnection.State.WAIT_BGSAVE_END && !r.disklessTarget;
            if (waitingForPayload) {
                r.channel.eventLoop().execute(() -> {
                    if (r.state == s) {
                        r.send("\n"); // keeps the link alive; replicas read it as a ping
                    }
                });
            }
            if (s == ReplicaConnection.State.ONLINE && now - r.ackMillis > timeoutMillis) {
                System.err.println("larder: disconnecting timed out replica " + r.ip() + ":" + r.listeningPort);
                r.close();
            }
        }
        refreshGoodReplicas();
        long ttl = config.find("repl-backlog-ttl").asLong();
        if (replicas.isEmpty() && ttl > 0 && !replicating && buffer != null
                && now - noReplicasSinceMillis > ttl * 1000) {
            synchronized (this) {
                if (replicas.isEmpty() && buffer != null) {
                    replId = newId();
                    replId2 = ZERO_ID;
                    secondOffset = -1;
                    replaceBacklog(null);
                }
            }
        }
    }

    /** client-output-buffer-limit for the replica class: the stream a replica has not read yet. */
    private void enforceOutputLimits(long now) {
        ReplicationBuffer b = buffer;
        if (b == null || replicas.isEmpty()) {
            return;
        }
        String[] limits = config.find("client-output-buffer-limit").text().trim().split("\\s+");
        long hard = 0;
        long soft = 0;
        long softSeconds = 0;
        for (int i = 0; i + 3 < limits.length; i += 4) {
            if (limits[i].equals("slave") || limits[i].equals("replica")) {
                hard = Long.parseLong(limits[i + 1]);
                soft = Long.parseLong(limits[i + 2]);
                softSeconds = Long.parseLong(limits[i + 3]);
            }
        }
        long end = b.end();
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.WAIT_BGSAVE_START) {
                continue;
            }
            long pending = end - r.sentPosition();
            boolean overSoft = soft > 0 && pending > soft;
            if (!overSoft) {
                r.softLimitSinceMillis = 0;
            } else if (r.softLimitSinceMillis == 0) {
                r.softLimitSinceMillis = now;
            }
            if (hard > 0 && pending > hard || overSoft && now - r.softLimitSinceMillis >= softSeconds * 1000) {
                System.err.println("larder: replica " + r.ip() + ":" + r.listeningPort
                        + " closed for overcoming the output buffer limits (" + pending + " bytes unread)");
                r.close();
            }
        }
    }

    /** Node shutdown. */
    public void close() {
        ScheduledExecutorService c;
        synchronized (this) {
            c = cron;
            cron = null;
        }
        if (c != null) {
            c.shutdownNow();
        }
        disconnectReplicas();
    }

    // ---- introspection

    /** INFO replication of a primary, in Redis's order. */
    public void info(BiConsumer<String, Object> field) {
        field.accept("role", "master");
        infoAfterRole(field);
    }

    /**
     * The fields after the role's own ones, for both roles (a replica shows its role:slave block first): its
     * replicas, the failover state, ids, offsets and the backlog.
     */
    public void infoAfterRole(BiConsumer<String, Object> field) {
        field.accept("connected_slaves", connectedReplicas());
        if (minReplicasToWrite.asLong() > 0 && minReplicasMaxLag.asLong() > 0) {
            field.accept("min_slaves_good_slaves", goodReplicas);
        }
        long now = System.currentTimeMillis();
        int i = 0;
        for (ReplicaConnection r : replicas) {
            field.accept("slave" + i++, "ip=" + r.ip() + ",port=" + r.listeningPort + ",state=" + r.state.info
                    + ",offset=" + r.ackOffset + ",lag=" + (now - r.ackMillis) / 1000);
        }
        field.accept("master_failover_state", failover.state().info);
        infoHistory(field);
    }

    private void infoHistory(BiConsumer<String, Object> field) {
        ReplicationBuffer b = buffer;
        field.accept("master_replid", replId);
        field.accept("master_replid2", replId2);
        field.accept("master_repl_offset", offset());
        field.accept("second_repl_offset", secondOffset);
        field.accept("repl_backlog_active", b != null ? 1 : 0);
        field.accept("repl_backlog_size", backlogSize());
        field.accept("repl_backlog_first_byte_offset", b != null ? b.start() + 1 : 0);
        field.accept("repl_backlog_histlen", b != null ? b.end() - b.start() : 0);
    }

    /** ROLE's online replicas: address, listening port and acknowledged offset. */
    public List<String[]> onlineReplicas() {
        List<String[]> out = new ArrayList<>();
        for (ReplicaConnection r : replicas) {
            if (r.state == ReplicaConnection.State.ONLINE) {
                out.add(new String[]{r.ip(), Integer.toString(r.listeningPort), Long.toString(r.ackOffset)});
            }
        }
        return out;
    }

    /**
     * Redis's repl_buffer_mem (INFO mem_total_replication_buffers): the stream blocks kept alive, by the backlog
     * and by what the replicas have not been sent yet, from the oldest of them to the last one allocated.
     */
    public long bufferMemory() {
        ReplicationBuffer b = buffer;
        if (b == null) {
            return 0;
        }
        long oldest = b.start();
        for (ReplicaConnection r : replicas) {
            oldest = Math.min(oldest, r.oldestKept());
        }
        return b.allocatedEnd() - oldest;
    }

    /**
     * What the replicas hold beyond what the backlog is allowed (its size and the blocks it may round up to):
     * Redis's freeMemoryGetNotCountedMemory leaves it out of the memory compared with maxmemory, so a slow
     * replica does not make the node evict keys.
     */
    public long notCountedForEviction(long bufferMemory) {
        long counted = backlogSize() + 2L * ReplicationBuffer.BLOCK_SIZE;
        return Math.max(0, bufferMemory - counted);
    }

    /** INFO mem_replication_backlog: the buffer, or with replicas at most the backlog's size (the rest is theirs). */
    public long backlogMemory(long bufferMemory) {
        return replicas.isEmpty() ? bufferMemory : Math.min(bufferMemory, backlogSize());
    }

    /** Connections registered as replicas (INFO connected_slaves; INFO clients leaves them out, as Redis). */
    public int connectedReplicas() { return replicas.size(); }

    public long syncFull() { return syncFull.get(); }

    public long syncPartialOk() { return syncPartialOk.get(); }

    public long syncPartialErr() { return syncPartialErr.get(); }

    /** Whether this node applies a primary's stream (set through {@link #becomeReplicaOf}). */
    public boolean replicating() { return replicating; }

    long backlogSize() {
        return Math.max(16 * 1024, config.find("repl-backlog-size").asLong());
    }

    private static String newId() {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
