package io.larder.node.persistence.aof;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.persistence.Persistence;
import io.larder.node.propagation.CommandLog;
import io.larder.node.propagation.Propagation;
import io.larder.node.propagation.Resp;
import io.larder.node.server.Node;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Redis 7's multi-part append-only file: a base file, incremental files and the manifest naming them, in
 * {@code dir/appenddirname}. Propagated writes are buffered by {@link #append} (under the propagation lock);
 * their replies wait until they are written. The event loops write the buffer themselves at the end of their
 * turn, before sending the replies ({@link #makeDurable}, as Redis writes its AOF in beforeSleep): whoever takes
 * the file first writes everything buffered by all of them (group commit) and, with {@code appendfsync always},
 * fsyncs it. A writer thread writes what nobody waits for (the cron's expiries) within 100 ms, serves
 * {@link #whenDurable} and retries failed writes. With {@code everysec} a thread of its own fsyncs about once a
 * second while writes go on; with {@code no} nothing is fsynced.
 * <p>
 * A rewrite (BGREWRITEAOF, the automatic one, turning the AOF on) holds every stripe only while it takes the
 * point of a fork-less snapshot and switches to a new incremental file; the base (that snapshot as an RDB, or
 * as commands) is written afterwards, while writes continue into the new incremental file, and the manifest
 * then names the new base and it.
 */
public final class AppendOnlyFile implements CommandLog {
    private final Node node;
    private final ServerConfig config;
    private final Keyspace keyspace;
    private final Propagation propagation;

    private final ConfigParam appendfsync;
    private final ConfigParam timestampEnabled;

    private final Object lock = new Object();
    /** Guarded by lock: bytes accepted but not yet written, and the positions (in bytes ever accepted). */
    private Resp pending = new Resp();
    private Resp spare = new Resp();
    private long accepted;
    /**
     * Replies to writes up to here may go out: written (always: fsynced), or, while writes fail without
     * always, given up waiting for (as Redis). Written under lock, read without it.
     */
    private volatile long released;
    /** appendfsync always met a write or fsync error: the node is exiting, nothing more is written or released. */
    private volatile boolean fatal;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private long waiterSeq;
    private long lastTimestamp;

    /** Guarded by io: the incremental file being appended to. */
    private final Object io = new Object();
    private FileChannel incr;
    /** Guarded by io: the incremental file switched away from, not yet fsynced (see {@link #settleSwitch}). */
    private FileChannel retiring;
    /** Guarded by io: the manifest changed by a switch is not yet on disk. */
    private boolean manifestUnsaved;
    private long incrSize;
    private AofManifest manifest;
    private long baseSize;

    private volatile boolean enabled;
    private volatile boolean rewriting;
    private volatile String lastWriteStatus = "ok";
    /** The last write's failure while it lasts (writes are then refused with MISCONF), else null. */
    private volatile String writeError;
    /** The last everysec fsync's failure until one succeeds (writes are refused with MISCONF meanwhile), else null. */
    private volatile String fsyncError;
    private volatile String lastRewriteStatus = "ok";
    private volatile long rewrites;
    private volatile long lastRewriteSeconds = -1;
    private volatile long rewriteStartMillis;
    private volatile long lastFsyncMillis;
    /** Guarded by lock: the writer thread while one runs. */
    private Thread writer;
    /** CONFIG SET appendonly yes was accepted and its rewrite has not finished. */
    private volatile boolean starting;
    private volatile long rewritesFailed;
    /** The last rewrite's stripes captured ahead of its writer (INFO aof_last_cow_size: its extra memory). */
    private volatile long lastCowBytes;
    /** How long the last rewrite held every stripe (writes wait that long), in microseconds. */
    private volatile long lastRewritePauseMicros = -1;
    /** Runs rewrites one after the other, off the event loops. */
    private final java.util.concurrent.ExecutorService rewriter = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "larder-aof-rewrite");
                t.setDaemon(true);
                return t;
            });
    /**
     * How the node exits after {@link #exitOnAlwaysFailure}: the process halts with status 1 (NodeMain); an
     * embedded node closes, as after a failed load.
     */
    private volatile Runnable fatalExit = this::closeNode;
    /** Why the AOF found at start-up could not be loaded, or null. */
    private volatile String loadError;
    /** {@link #start} found an AOF that {@link #loadAtStartup} is to load. */
    private volatile boolean loadPending;
    /** The channel an everysec fdatasync is running on, or null: one at a time. */
    private final java.util.concurrent.atomic.AtomicReference<FileChannel> backgroundFsync =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.ExecutorService fsyncer = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "larder-aof-fsync");
                t.setDaemon(true);
                return t;
            });
    /** Guarded by io: bytes were written since the last fsync. */
    private boolean unsynced;
    /** What the fsyncs have covered (WAITAOF). */
    private final FsyncProgress fsyncProgress = new FsyncProgress();

    private record Waiter(long position, long seq, Runnable action) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return position != o.position ? Long.compare(position, o.position) : Long.compare(seq, o.seq);
        }
    }

    public AppendOnlyFile(Node node) {
        this.node = node;
        this.config = node.config();
        this.keyspace = node.keyspace();
        this.propagation = node.propagation();
        this.appendfsync = config.find("appendfsync");
        this.timestampEnabled = config.find("aof-timestamp-enabled");
    }

    /**
     * At start-up, before the node listens: with appendonly on, finds the AOF and enters the loading state
     * ({@link #loadAtStartup} loads it), or creates the AOF when there is none; then follows CONFIG SET.
     */
    public void start() throws IOException {
        if (config.find("appendonly").asBool()) {
            Path manifestFile = dir().resolve(manifestName());
            if (Files.exists(manifestFile)) {
                manifest = AofManifest.read(manifestFile);
                long total = 0;
                for (AofManifest.Entry e : manifest.entries()) {
                    Path file = dir().resolve(e.name());
                    total += Files.exists(file) ? Files.size(file) : 0;
                }
                node.persistence().startLoading(total);
                loadPending = true;
            } else {
                rewrite(true);
            }
        }
        config.find("appendonly").onChange(new ConfigParam.ConfigHook() {
            @Override
            public void changed(String value) throws ConfigException {
                try {
                    if (value.equals("yes") && !enabled && !starting) {
                        // As Redis, the rewrite that creates the AOF (and starts logging) runs in the background.
                        starting = true;
                        fsyncProgress.hold();
                        rewriter.execute(() -> runRewrite(true));
                    } else if (value.equals("no") && (enabled || starting)) {
                        // Queued behind a rewrite that is turning it on, if one is.
                        rewriter.submit(() -> {
                            stop();
                            return null;
                        }).get();
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new ConfigException("Failed to disable AOF: " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("Interrupted while disabling AOF");
                }
            }
        });
    }

    /**
     * Once the node listens: loads the AOF {@link #start} found on a thread of its own, while commands are answered
     * with LOADING, then appends to it; {@code onFailure} runs with the reason when it cannot be loaded (the node
     * then exits, as Redis does, and stays in the loading state until then).
     */
    public void loadAtStartup(java.util.function.Consumer<String> onFailure) {
        if (!loadPending) {
            return;
        }
        loadPending = false;
        Thread t = new Thread(() -> {
            try {
                long start = System.nanoTime();
                new AofLoader(node, dir(), config.find("aof-load-truncated").asBool()).load(manifest);
                baseSize = manifest.base() == null ? 0 : Files.size(dir().resolve(manifest.base().name()));
                openExistingIncr();
                node.persistence().stopLoading();
                System.out.println("DB loaded from append only file: "
                        + String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1e9) + " seconds");
            } catch (IOException | RuntimeException e) {
                loadError = String.valueOf(e.getMessage());
                onFailure.accept(e.getMessage());
            }
        }, "larder-aof-load");
        t.setDaemon(true);
        t.start();
    }

    private Path dir() {
        return Path.of(config.find("dir").text()).resolve(config.find("appenddirname").text());
    }

    private String prefix() {
        return config.find("appendfilename").text();
    }

    private String manifestName() {
        return prefix() + ".manifest";
    }

    /** Reopens the last incremental file of a loaded manifest for appending (a new one when there is none). */
    private void openExistingIncr() throws IOException {
        List<AofManifest.Entry> incrs = manifest.incrs();
        keyspace.lockAll();
        try {
            if (incrs.isEmpty()) {
                switchIncr(manifest.entries());
            } else {
                synchronized (io) {
                    incr = FileChannel.open(dir().resolve(incrs.get(incrs.size() - 1).name()),
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                    incrSize = incr.size();
                }
            }
            attach();
        } finally {
            keyspace.unlockAll();
        }
    }

    private void attach() {
        synchronized (lock) {
            // Under the lock the writer decides to exit under, so a stopping writer is never counted on.
            enabled = true;
            if (writer == null) {
                writer = new Thread(this::writeLoop, "larder-aof");
                writer.setDaemon(true);
                writer.start();
            }
        }
        propagation.attach(this);
    }

    @Override
    public long append(byte[] resp, int length) {
        synchronized (lock) {
            if (timestampEnabled.asBool()) {
                long now = System.currentTimeMillis() / 1000;
                if (now != lastTimestamp) {
                    pending.raw("#TS:" + now + "\r\n");
                    accepted += ("#TS:" + now + "\r\n").length();
                    lastTimestamp = now;
                }
            }
            pending.raw(resp, length);
            accepted += length;
            // Every reply waits until its write is in the file (with always, on disk), as Redis write()s before
            // it replies: a process kill then loses no acknowledged write. The writer thread is not woken: the
            // event loop that ran the write writes it at the end of its turn (makeDurable).
            return accepted;
        }
    }

    /**
     * Runs {@code action} once everything up to {@code position} is on disk; false (action not run) when it
     * already is and the caller may go on.
     */
    @Override
    public boolean whenDurable(long position, Runnable action) {
        if (released >= position) {
            return false;
        }
        synchronized (lock) {
            if (released >= position) {
                return false;
            }
            waiters.add(new Waiter(position, waiterSeq++, action));
            lock.notifyAll(); // the writer thread writes it now: no event loop may be about to
            return true;
        }
    }

    @Override
    public boolean isDurable(long position) {
        return released >= position;
    }

    /**
     * An event loop at the end of its turn, before it sends the replies it holds: writes everything buffered
     * (always: and fsyncs it) unless another thread already did, and says whether the replies up to
     * {@code position} may now go out. While writes fail it leaves the retries to the writer thread.
     */
    @Override
    public boolean makeDurable(long position) {
        if (released >= position) {
            return true;
        }
        if (writeError == null) {
            synchronized (io) {
                if (released < position) {
                    writePending();
                }
            }
        }
        return released >= position;
    }

    private void writeLoop() {
        while (true) {
            synchronized (lock) {
                if (fatal) {
                    writer = null;
                    return;
                }
                if (enabled && waiters.isEmpty() && writeError == null) {
                    try {
                        // The event loops write what their replies wait for. What nobody waits for (the cron's
                        // expiries) is written within this, a due everysec fsync runs, the size is checked for
                        // an automatic rewrite.
                        lock.wait(100);
                    } catch (InterruptedException e) {
                        writer = null;
                        return;
                    }
                }
                if (!enabled && pending.length() == 0) {
                    release(accepted);
                    writer = null;
                    return;
                }
            }
            boolean written;
            synchronized (io) {
                written = writePending();
            }
            if (!written) {
                sleepQuietly();
                continue;
            }
            maybeAutoRewrite();
        }
    }

    /**
     * Under io: writes what is buffered (always: and fdatasyncs it), then releases the replies waiting for it;
     * false when the write failed. Taking the batch and writing it both happen under io, so a file switch
     * (which drains what is buffered into the old file) never comes between them, and writers take turns: the
     * files keep the log's order.
     */
    private boolean writePending() {
        if (fatal) {
            return false; // nothing more is written after a batch that could not be made durable
        }
        // Read before the batch is taken: what the tag counts is in the batch or before it.
        FsyncProgress.Tag tag = fsyncProgress.readTag();
        long upTo;
        Resp batch;
        synchronized (lock) {
            batch = pending;
            pending = spare;
            spare = batch;
            upTo = accepted;
        }
        if (incr == null) {
            batch.clear();
            return true; // turned off meanwhile; stop() wrote what there was
        }
        long sizeBefore = incrSize;
        boolean written = false;
        try {
            settleSwitch();
            if (batch.length() > 0) {
                ByteBuffer buf = ByteBuffer.wrap(batch.array(), 0, batch.length());
                while (buf.hasRemaining()) {
                    incr.write(buf);
                }
                incrSize += batch.length();
            }
            written = true;
            unsynced |= batch.length() > 0;
            String fsync = appendfsync.text();
            long now = System.currentTimeMillis();
            if (unsynced && fsync.equals("always")) {
                incr.force(false);
                lastFsyncMillis = now;
                unsynced = false;
                fsyncProgress.fsynced(upTo, tag);
            } else if (unsynced && fsync.equals("everysec") && now - lastFsyncMillis >= 1000
                    && backgroundFsync.compareAndSet(null, incr)) {
                // On the fsync thread, as Redis's bio: writes (and the replies waiting for them) go on.
                lastFsyncMillis = now;
                unsynced = false;
                long fsyncUpTo = upTo;
                fsyncer.execute(() -> fsyncInBackground(fsyncUpTo, tag));
            } else if (!unsynced) {
                fsyncProgress.covered(upTo, tag); // nothing new: the tag is on disk once the last fsync is
            }
            lastWriteStatus = "ok";
            writeError = null;
        } catch (IOException e) {
            // Nothing is lost: a partial write is cut off and the batch goes back in front of the buffer.
            lastWriteStatus = "err";
            writeError = String.valueOf(e.getMessage());
            if (!written) {
                System.err.println("larder: AOF write failed: " + e.getMessage());
                try {
                    incr.truncate(sizeBefore);
                    incrSize = sizeBefore;
                } catch (IOException ignored) {
                    // the next attempt fails the same way and is reported again
                }
            }
            if (appendfsync.text().equals("always")) {
                exitOnAlwaysFailure(e, written);
                return false;
            }
            synchronized (lock) {
                batch.raw(pending.array(), pending.length());
                pending.clear();
                spare = pending;
                pending = batch;
                // As Redis: the writes stay buffered and are retried, their replies go out, and new writes are
                // refused with MISCONF meanwhile.
                release(upTo);
            }
            return false;
        }
        synchronized (lock) {
            spare.shrink();
            release(upTo);
        }
        return true;
    }

    /**
     * With appendfsync always a batch that cannot be made durable cannot be taken back (its effects are in memory,
     * other clients may have read them), so the node exits with status 1, as Redis does: the batch's replies, held
     * until the fsync, are never sent, and nothing more is written. Runs under io, on the thread that wrote (an
     * event loop or the writer thread, which then ends).
     */
    private void exitOnAlwaysFailure(IOException e, boolean written) {
        System.err.println(written
                ? "Can't persist AOF for fsync error when the AOF fsync policy is 'always': " + e.getMessage()
                        + ". Exiting..."
                : "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        System.err.flush();
        synchronized (lock) {
            fatal = true; // no reply is released from now on, and nothing more is written
            enabled = false; // still attached (detaching needs every stripe): what is appended now is never written
            pending.clear();
        }
        // Off the writer thread, which holds io: closing an embedded node waits for event loops that may wait for it.
        new Thread(fatalExit, "larder-aof-exit").start();
    }

    private void closeNode() {
        var server = node.server();
        if (server != null) {
            server.close();
        }
    }

    /**
     * The everysec fdatasync of {@link #backgroundFsync}'s channel; a channel closed meanwhile was fsynced by its
     * closer. A failure refuses writes with MISCONF, as Redis's bio does, until an fsync succeeds: retried here once
     * a second (Redis waits for new data to reach the file, which the refused writes may never bring).
     */
    private void fsyncInBackground(long upTo, FsyncProgress.Tag tag) {
        FileChannel channel = backgroundFsync.get();
        try {
            while (true) {
                try {
                    channel.force(false);
                    fsyncError = null;
                    fsyncProgress.fsynced(upTo, tag);
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    // switched away from (settleSwitch) or turned off (stop): both fsync before closing
                    fsyncError = null;
                    return;
                } catch (IOException e) {
                    if (fsyncError == null) {
                        System.err.println("larder: AOF fsync failed: " + e.getMessage());
                    }
                    fsyncError = String.valueOf(e.getMessage());
                }
                Thread.sleep(1000); // backgroundFsync stays set: still one fsync at a time
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            backgroundFsync.set(null);
        }
    }

    /** Under lock: replies to writes up to {@code upTo} may go out; runs the waiters that were waiting for them. */
    private void release(long upTo) {
        if (fatal) {
            return;
        }
        if (upTo > released) {
            released = upTo;
        }
        while (!waiters.isEmpty() && waiters.peek().position <= upTo) {
            waiters.poll().action.run();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Redis's auto-aof-rewrite-percentage/min-size rule, checked by the writer thread. */
    private void maybeAutoRewrite() {
        long percentage = config.find("auto-aof-rewrite-percentage").asLong();
        if (percentage <= 0 || rewriting || !enabled) {
            return;
        }
        long size = baseSize + incrSize;
        long base = Math.max(1, baseSize);
        if (size >= config.find("auto-aof-rewrite-min-size").asLong() && (size - base) * 100 / base >= percentage) {
            bgrewrite();
        }
    }

    /** BGREWRITEAOF: false when a rewrite already runs. */
    public boolean bgrewrite() {
        synchronized (this) {
            if (rewriting) {
                return false;
            }
            rewriting = true;
        }
        rewriter.execute(() -> runRewrite(false));
        return true;
    }

    private void runRewrite(boolean enable) {
        try {
            rewrite(enable);
        } catch (IOException | RuntimeException e) {
            lastRewriteStatus = "err";
            rewritesFailed++;
            System.err.println("larder: AOF rewrite failed: " + e);
        } finally {
            starting = false;
            fsyncProgress.release();
        }
    }

    /**
     * Writes a new base from the current data and makes it, with a fresh incremental file, the whole AOF.
     * {@code enable}: also starts logging (appendonly turned on); otherwise logging continues, or (AOF off) only
     * the base is written.
     */
    void rewrite(boolean enable) throws IOException {
        synchronized (this) {
            rewriting = true;
        }
        rewriteStartMillis = System.currentTimeMillis();
        try {
            Files.createDirectories(dir());
            AofManifest old = manifest != null ? manifest : loadManifestIfAny();
            long baseSeq = old.base() == null ? 1 : old.base().seq() + 1;
            boolean logging = enable || enabled;
            boolean preamble = config.find("aof-use-rdb-preamble").asBool();
            // The command form is made from an uncompressed image of the same kind, read back.
            RdbSnapshot snapshot = preamble ? node.persistence().newSnapshot()
                    : new RdbSnapshot(keyspace, RdbTypes.VERSION, false);
            List<byte[]> libraries;
            AofManifest.Entry newIncr = null;
            while (true) {
                long pauseStart = System.nanoTime();
                keyspace.lockAll();
                try {
                    // One snapshot at a time: a BGSAVE's is finishing.
                    if (!snapshot.begin()) {
                        continue;
                    }
                    if (logging) {
                        try {
                            newIncr = switchIncr(old.entries());
                        } catch (IOException | RuntimeException e) {
                            snapshot.abandon(); // or every later snapshot (BGSAVE, rewrite) would wait for it
                            throw e;
                        }
                        if (enable) {
                            attach();
                        }
                    }
                    libraries = node.persistence().libraryCodes();
                    break;
                } finally {
                    keyspace.unlockAll();
                    lastRewritePauseMicros = (System.nanoTime() - pauseStart) / 1000;
                    if (!snapshot.begun()) {
                        sleepQuietly();
                    }
                }
            }
            String baseName = prefix() + "." + baseSeq + (preamble ? ".base.rdb" : ".base.aof");
            long written;
            try (FileChannel ch = FileChannel.open(dir().resolve(baseName), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                if (preamble) {
                    writeImage(snapshot, ch, Persistence.auxFields(true), libraries);
                } else {
                    Path image = dir().resolve("temp-rewrite-" + ProcessHandle.current().pid() + ".rdb");
                    try {
                        try (FileChannel imageChannel = FileChannel.open(image, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                            writeImage(snapshot, imageChannel, Map.of(), libraries);
                        }
                        try (InputStream in = new BufferedInputStream(Files.newInputStream(image), 1 << 16)) {
                            AofBase.fromImage(in, ch, node.persistence().limits(), keyspace.databaseCount());
                        }
                    } finally {
                        Files.deleteIfExists(image);
                    }
                }
                ch.force(true);
                written = ch.size();
            } finally {
                snapshot.abandon(); // a no-op once written
            }
            lastCowBytes = snapshot.peakBytesAhead();
            List<AofManifest.Entry> entries = new ArrayList<>();
            entries.add(new AofManifest.Entry(baseName, baseSeq, AofManifest.Type.BASE));
            synchronized (io) {
                settleSwitch();
                // The incremental files opened since the switch (only the one) follow the new base.
                if (manifest != null) {
                    for (AofManifest.Entry e : manifest.incrs()) {
                        if (newIncr != null && e.seq() >= newIncr.seq()) {
                            entries.add(e);
                        }
                    }
                }
                AofManifest next = new AofManifest(entries);
                next.write(dir().resolve(manifestName()));
                for (AofManifest.Entry e : old.entries()) {
                    if (!entries.contains(e) && !config.find("aof-disable-auto-gc").asBool()) {
                        Files.deleteIfExists(dir().resolve(e.name()));
                    }
                }
                manifest = next;
                baseSize = written;
            }
            rewrites++;
            rewritesFailed = 0;
            lastRewriteStatus = "ok";
            lastRewriteSeconds = (System.currentTimeMillis() - rewriteStartMillis) / 1000;
        } finally {
            rewriting = false;
        }
    }

    private void writeImage(RdbSnapshot snapshot, FileChannel ch, Map<String, byte[]> aux, List<byte[]> libraries)
            throws IOException {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        snapshot.writeTo(out, aux, libraries, config.find("rdbchecksum").asBool());
        out.flush();
    }

    private AofManifest loadManifestIfAny() throws IOException {
        Path file = dir().resolve(manifestName());
        return Files.exists(file) ? AofManifest.read(file) : new AofManifest(List.of());
    }

    /**
     * Starts a new incremental file (all stripes held, so no write is under way): what is buffered goes to
     * the old file first; the manifest gains the new file at once, so a crash before the rewrite ends still
     * finds every write.
     */
    private AofManifest.Entry switchIncr(List<AofManifest.Entry> current) throws IOException {
        drain();
        long seq = current.stream().filter(e -> e.type() == AofManifest.Type.INCR)
                .mapToLong(AofManifest.Entry::seq).max().orElse(0) + 1;
        AofManifest.Entry entry = new AofManifest.Entry(prefix() + "." + seq + ".incr.aof", seq,
                AofManifest.Type.INCR);
        synchronized (io) {
            FileChannel next = FileChannel.open(dir().resolve(entry.name()), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            if (incr != null) {
                retiring = incr;
            }
            incr = next;
            incrSize = 0;
            List<AofManifest.Entry> entries = new ArrayList<>(current);
            entries.add(entry);
            manifest = new AofManifest(entries);
            manifestUnsaved = true;
        }
        propagation.forgetSelectedDb();
        return entry;
    }

    /**
     * Under io, before anything more is written to the new incremental file: fsyncs and closes the file switched
     * away from and persists the manifest naming the new one. A switch only swaps the channels while every
     * stripe is held; these fsyncs happen here, on whoever writes next (an event loop or the writer thread), so
     * writes wait for the switch alone, and what reaches the new file is never durable before what preceded it.
     */
    private void settleSwitch() throws IOException {
        if (retiring != null) {
            retiring.force(false);
            retiring.close();
            retiring = null;
        }
        if (manifestUnsaved) {
            manifest.write(dir().resolve(manifestName()));
            manifestUnsaved = false;
        }
    }

    /** Writes (not fsyncs) whatever is buffered into the current incremental file. */
    private void drain() throws IOException {
        synchronized (io) {
            settleSwitch();
            synchronized (lock) {
                if (pending.length() > 0 && incr != null) {
                    ByteBuffer buf = ByteBuffer.wrap(pending.array(), 0, pending.length());
                    try {
                        while (buf.hasRemaining()) {
                            incr.write(buf);
                        }
                    } catch (IOException e) {
                        try {
                            incr.truncate(incrSize); // the buffer is written again later: no torn command before it
                        } catch (IOException t) {
                            e.addSuppressed(t);
                        }
                        throw e;
                    }
                    incrSize += pending.length();
                    pending.clear();
                }
            }
        }
    }

    /** appendonly no: stops logging, flushes and fsyncs what was logged, closes the file. */
    public void stop() throws IOException {
        keyspace.lockAll();
        try {
            propagation.detach(this);
            enabled = false;
            try {
                drain();
            } catch (IOException e) {
                // Turning the AOF off must work even when its disk fails (Redis only logs it too).
                System.err.println("larder: AOF flush failed while turning it off: " + e.getMessage());
            }
            synchronized (io) {
                try {
                    settleSwitch();
                } catch (IOException e) {
                    System.err.println("larder: AOF fsync failed while turning it off: " + e.getMessage());
                }
                if (incr != null) {
                    try {
                        incr.force(false);
                    } catch (IOException e) {
                        System.err.println("larder: AOF fsync failed while turning it off: " + e.getMessage());
                    }
                    incr.close();
                    incr = null;
                }
                synchronized (lock) {
                    pending.clear();
                }
            }
            synchronized (lock) {
                release(accepted); // drained and fsynced above
                lock.notifyAll();
            }
        } finally {
            keyspace.unlockAll();
        }
        fsyncProgress.stopped();
    }

    /** Node shutdown: flushes, fsyncs and closes the AOF (logging stops). */
    public void close() {
        if (!enabled) {
            return;
        }
        try {
            stop();
        } catch (IOException e) {
            System.err.println("larder: could not flush the AOF on shutdown: " + e.getMessage());
        }
    }

    public boolean enabled() { return enabled; }

    /** Sets what {@link #exitOnAlwaysFailure} runs to end the node (NodeMain: halt the process with status 1). */
    public void fatalExit(Runnable action) { this.fatalExit = action; }

    public FsyncProgress fsyncProgress() { return fsyncProgress; }

    /** Why the AOF found at start-up could not be loaded (the node then exits), or null. */
    public String loadError() { return loadError; }

    /** INFO aof_enabled: on, or being turned on. */
    public boolean on() { return enabled || starting; }

    public long consecutiveRewriteFailures() { return "ok".equals(lastRewriteStatus) ? 0 : rewritesFailed; }

    public boolean rewriting() { return rewriting || starting; }

    public long rewrites() { return rewrites; }

    /** INFO aof_last_write_status: "err" while the last write, or the last everysec fsync, failed. */
    public String lastWriteStatus() { return fsyncError != null ? "err" : lastWriteStatus; }

    /** Why the AOF cannot be written now (Redis then refuses writes with MISCONF), or null. */
    public String writeError() { return !enabled ? null : writeError != null ? writeError : fsyncError; }

    public String lastRewriteStatus() { return lastRewriteStatus; }

    public long lastRewriteSeconds() { return lastRewriteSeconds; }

    public long lastRewritePauseMicros() { return lastRewritePauseMicros; }

    public long lastCowBytes() { return lastCowBytes; }

    public long currentRewriteSeconds() {
        return rewriting() ? (System.currentTimeMillis() - rewriteStartMillis) / 1000 : -1;
    }

    public long currentSize() { return baseSize + incrSize; }

    public long baseSize() { return baseSize; }

    public long bufferLength() {
        synchronized (lock) {
            return pending.length();
        }
    }
}
