package io.larder.node.persistence;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbFormatException;
import io.larder.engine.rdb.RdbReader;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.engine.rdb.RdbValues;
import io.larder.engine.set.SetLimits;
import io.larder.engine.zset.ZSetLimits;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Version;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * RDB persistence of one node: SAVE, BGSAVE, save points, loading at start-up, and the figures INFO reports.
 * <p>
 * Both kinds of save write an {@link RdbSnapshot} (point-in-time, fork-less) to a temporary file in {@code dir},
 * fsync it, rename it over {@code dbfilename} and fsync the directory, so a crash at any moment leaves either
 * the previous file or the new one. SAVE runs on the caller's thread, BGSAVE on a thread of its own; one
 * snapshot runs at a time.
 */
public final class Persistence {
    /**
     * The RDB version files (and AOF bases) are written in: 11 as Redis 7.2, or 10 with
     * {@code -Dlarder.rdb.version=10} for files that Redis 7.0 must load (it refuses 11; listpack sets become
     * plain sets and streams type 19). Read at each save.
     */
    static int writeVersion() {
        return Integer.getInteger("larder.rdb.version", RdbTypes.VERSION) == RdbTypes.VERSION_7_0
                ? RdbTypes.VERSION_7_0 : RdbTypes.VERSION;
    }

    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    /** Redis retries a failed automatic BGSAVE after this long (CONFIG_BGSAVE_RETRY_DELAY). */
    private static final long BGSAVE_RETRY_MILLIS = 5000;

    /** What a SAVE or BGSAVE request came to. */
    public enum Outcome { STARTED, SCHEDULED, DONE, IN_PROGRESS, FAILED }

    /** Loads one function library from a file (FUNCTION LOAD REPLACE), or throws with the reason. */
    @FunctionalInterface
    public interface LibraryLoader {
        void load(byte[] code) throws Exception;
    }

    /**
     * What replication records in the RDB files this node saves and takes back from the one it loads at start-up
     * (Redis's repl-stream-db, repl-id and repl-offset aux fields), so that a restarted node continues its history.
     */
    public interface ReplicationRecord {
        /**
         * Runs {@code begin} (a save's snapshot point) where no unit of the replication stream is half applied,
         * and returns the aux fields as of that point (empty when there is nothing to record); null when
         * {@code begin} refused (another snapshot runs).
         */
        Map<String, byte[]> snapshotPoint(java.util.function.BooleanSupplier begin);

        /**
         * The file loaded at start-up records this history (its aux fields, as found). Its keys that had already
         * expired are loaded then: a replica's primary deletes them, a primary's expiry deletes them into the
         * history it continues (Redis deletes them while loading, into its backlog).
         */
        void loaded(History history);
    }

    /** A replication history as an RDB file records it: the id, the offset reached, the stream's database. */
    public record History(String replId, long offset, int streamDb) {
        /** From the aux fields' values (id, offset, db; null when absent): null unless valid (Redis: db not -1). */
        static History of(String[] fields) {
            if (fields[0] == null || fields[0].length() != 40 || fields[1] == null || fields[2] == null) {
                return null;
            }
            try {
                long offset = Long.parseLong(fields[1]);
                int db = Integer.parseInt(fields[2]);
                return offset < 0 || db < 0 ? null : new History(fields[0], offset, db);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private final ServerConfig config;
    private final Keyspace keyspace;
    private volatile ReplicationRecord replicationRecord;
    /** The node's function libraries, which RDB files carry as FUNCTION2 records. */
    private volatile java.util.function.Supplier<List<byte[]>> libraries = List::of;
    private volatile LibraryLoader libraryLoader = code -> {
        throw new IllegalStateException("no function registry");
    };
    private final AtomicBoolean snapshotRunning = new AtomicBoolean();
    private volatile boolean bgsaveRunning;
    private volatile boolean bgsaveScheduled;
    private volatile boolean loading;
    private volatile boolean asyncLoading;
    private volatile long loadingStartMillis;
    private volatile long lastSaveMillis;
    private volatile boolean lastBgsaveOk = true;
    private volatile long lastBgsaveTryMillis;
    private volatile long lastBgsaveSeconds = -1;
    private volatile long bgsaveStartMillis = -1;
    private volatile long changesAtLastSave;
    private volatile long saves;
    private volatile long lastCowBytes;
    private volatile long lastLoadKeysLoaded;
    private volatile long lastLoadKeysExpired;
    private volatile long loadingTotalBytes;
    private volatile long loadingLoadedBytes;

    public Persistence(ServerConfig config, Keyspace keyspace, long startMillis) {
        this.config = config;
        this.keyspace = keyspace;
        this.lastSaveMillis = startMillis;
    }

    /** Where the function libraries saved come from and those loaded go to. */
    public void libraries(java.util.function.Supplier<List<byte[]>> codes, LibraryLoader loader) {
        this.libraries = codes;
        this.libraryLoader = loader;
    }

    public void replicationRecord(ReplicationRecord record) {
        this.replicationRecord = record;
    }

    /** The function libraries' code, as a snapshot writes them. */
    public List<byte[]> libraryCodes() {
        return libraries.get();
    }

    /** Loads a library read from a file (RDB or AOF base), replacing one of the same name. */
    public void loadLibrary(byte[] code) {
        try {
            libraryLoader.load(code);
        } catch (Exception e) {
            throw new RdbFormatException("Failed creating function, " + e.getMessage());
        }
    }

    public Path file() {
        return Path.of(config.find("dir").text()).resolve(config.find("dbfilename").text());
    }

    // ---- figures

    public boolean loading() { return loading; }

    /** A replica loads its primary's snapshot aside while serving its old data set (INFO async_loading). */
    public boolean asyncLoading() { return asyncLoading; }

    public long loadingStartMillis() { return loadingStartMillis; }

    public long loadingTotalBytes() { return loadingTotalBytes; }

    public long loadingLoadedBytes() { return loadingLoadedBytes; }

    public long lastSaveSeconds() { return lastSaveMillis / 1000; }

    public boolean bgsaveInProgress() { return bgsaveRunning; }

    public boolean lastBgsaveOk() { return lastBgsaveOk; }

    public long lastBgsaveSeconds() { return lastBgsaveSeconds; }

    /** Seconds the running BGSAVE has taken so far, -1 when none runs. */
    public long currentBgsaveSeconds() {
        long start = bgsaveStartMillis;
        return bgsaveRunning && start > 0 ? (System.currentTimeMillis() - start) / 1000 : -1;
    }

    public long changesSinceLastSave() { return keyspace.changes() - changesAtLastSave; }

    public long saves() { return saves; }

    public long lastCowBytes() { return lastCowBytes; }

    public long lastLoadKeysLoaded() { return lastLoadKeysLoaded; }

    public long lastLoadKeysExpired() { return lastLoadKeysExpired; }

    /** stop-writes-on-bgsave-error: writes are refused while the last background save failed and save points exist. */
    public boolean writesDenied() {
        return !lastBgsaveOk && config.find("stop-writes-on-bgsave-error").asBool() && !savePoints().isEmpty();
    }

    // ---- saving

    /** SAVE: writes the snapshot on this thread. */
    public Outcome save() {
        if (!snapshotRunning.compareAndSet(false, true)) {
            return Outcome.IN_PROGRESS;
        }
        try {
            long changes = keyspace.changes();
            writeFile();
            saved(changes);
            lastBgsaveOk = true;
            return Outcome.DONE;
        } catch (IOException | RuntimeException e) {
            log("Error saving DB on disk: " + e.getMessage());
            return Outcome.FAILED;
        } finally {
            snapshotRunning.set(false);
        }
    }

    /** BGSAVE [SCHEDULE]: starts a background save, or schedules one when asked to while it cannot start. */
    public Outcome bgsave(boolean scheduleIfBusy) {
        if (bgsaveRunning) {
            return Outcome.IN_PROGRESS;
        }
        if (!snapshotRunning.compareAndSet(false, true)) {
            if (scheduleIfBusy) {
                bgsaveScheduled = true;
                return Outcome.SCHEDULED;
            }
            return Outcome.IN_PROGRESS;
        }
        bgsaveScheduled = false;
        bgsaveRunning = true;
        lastBgsaveTryMillis = System.currentTimeMillis();
        bgsaveStartMillis = lastBgsaveTryMillis;
        log("Background saving started");
        Thread t = new Thread(this::runBgsave, "larder-bgsave");
        t.setDaemon(true);
        t.start();
        return Outcome.STARTED;
    }

    /** Asks for a BGSAVE at the next cron tick (BGSAVE inside MULTI/EXEC, as Redis does). */
    public void scheduleBgsave() {
        bgsaveScheduled = true;
    }

    private void runBgsave() {
        long start = System.currentTimeMillis();
        boolean ok = false;
        try {
            long changes = keyspace.changes();
            writeFile();
            saved(changes);
            ok = true;
            log("Background saving terminated with success");
        } catch (IOException | RuntimeException e) {
            log("Background saving error: " + e.getMessage());
        } finally {
            lastBgsaveOk = ok;
            lastBgsaveSeconds = (System.currentTimeMillis() - start) / 1000;
            bgsaveStartMillis = -1;
            bgsaveRunning = false;
            snapshotRunning.set(false);
        }
    }

    private void saved(long changesAtStart) {
        changesAtLastSave = changesAtStart;
        lastSaveMillis = System.currentTimeMillis();
        saves++;
    }

    /** Writes a temp file, fsyncs it, renames it over the RDB file and fsyncs the directory. */
    private void writeFile() throws IOException {
        Path target = file();
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("temp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId() + ".rdb");
        RdbSnapshot snapshot = newSnapshot();
        ReplicationRecord record = replicationRecord;
        try {
            Map<String, byte[]> replication;
            while ((replication = record == null ? (snapshot.begin() ? Map.of() : null)
                    : record.snapshotPoint(snapshot::begin)) == null) {
                Thread.sleep(10); // an AOF rewrite's snapshot is being written; one runs at a time
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                snapshot.writeTo(out, auxFields(false, replication), libraryCodes(), config.find("rdbchecksum").asBool());
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException | RuntimeException e) {
            snapshot.abandon();
            Files.deleteIfExists(temp);
            throw e;
        } catch (InterruptedException e) {
            snapshot.abandon();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another snapshot");
        }
        lastCowBytes = snapshot.peakBytesAhead();
    }

    /** A snapshot of the keyspace with this node's format settings (RDB files and AOF bases). */
    public RdbSnapshot newSnapshot() {
        return new RdbSnapshot(keyspace, writeVersion(), config.find("rdbcompression").asBool(), lruPolicy());
    }

    /** Idle times are saved and loaded, as in Redis, only under an LRU eviction policy. */
    private boolean lruPolicy() {
        return config.find("maxmemory-policy").text().endsWith("-lru");
    }

    /** Redis's aux fields; {@code aofBase} for the RDB base of a multi-part AOF. */
    public static Map<String, byte[]> auxFields(boolean aofBase) {
        return auxFields(aofBase, Map.of());
    }

    /** Redis's aux fields with the replication ones ({@link ReplicationRecord}) where Redis writes them. */
    public static Map<String, byte[]> auxFields(boolean aofBase, Map<String, byte[]> replication) {
        Map<String, byte[]> aux = new LinkedHashMap<>();
        aux.put("redis-ver", ascii(Version.REDIS));
        aux.put("redis-bits", ascii("64"));
        aux.put("ctime", ascii(Long.toString(System.currentTimeMillis() / 1000)));
        Runtime rt = Runtime.getRuntime();
        aux.put("used-mem", ascii(Long.toString(rt.totalMemory() - rt.freeMemory())));
        aux.putAll(replication);
        aux.put("aof-base", ascii(aofBase ? "1" : "0"));
        return aux;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- shutdown

    private final AtomicBoolean shutdownSaveDone = new AtomicBoolean();

    /**
     * The save of a shutdown (SHUTDOWN, or SIGTERM): with {@code force} null the save happens when save points
     * are configured, else when {@code force} is true. Waits for a running save first, as Redis's shutdown
     * waits for its child. Returns false when a save was due and failed. Runs at most once.
     */
    public boolean saveForShutdown(Boolean force) {
        if (!shutdownSaveDone.compareAndSet(false, true)) {
            return true;
        }
        boolean due = !loading && (force != null ? force : !savePoints().isEmpty()); // never save a partial load
        if (!due) {
            return true;
        }
        log("Saving the final RDB snapshot before exiting.");
        while (true) {
            Outcome outcome = save();
            if (outcome == Outcome.DONE) {
                log("DB saved on disk");
                return true;
            }
            if (outcome == Outcome.FAILED) {
                shutdownSaveDone.set(false);
                log("Error trying to save the DB, can't exit.");
                return false;
            }
            try {
                Thread.sleep(10); // a background save is finishing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    // ---- save points

    /** The {@code save} parameter as (seconds, changes) pairs. */
    public List<long[]> savePoints() {
        String[] words = config.find("save").text().trim().split("\\s+");
        List<long[]> points = new ArrayList<>();
        for (int i = 0; i + 1 < words.length; i += 2) {
            points.add(new long[]{Long.parseLong(words[i]), Long.parseLong(words[i + 1])});
        }
        return points;
    }

    /** Called by the node's cron: runs a scheduled BGSAVE, or one a save point calls for. */
    public void cron(long now) {
        if (loading || snapshotRunning.get()) {
            return;
        }
        if (bgsaveScheduled) {
            bgsave(false);
            return;
        }
        long changes = changesSinceLastSave();
        for (long[] point : savePoints()) {
            if (changes >= point[1] && now - lastSaveMillis > point[0] * 1000
                    && (now - lastBgsaveTryMillis > BGSAVE_RETRY_MILLIS || lastBgsaveOk)) {
                log(point[1] + " changes in " + point[0] + " seconds. Saving...");
                bgsave(false);
                return;
            }
        }
    }

    // ---- loading

    /** The node's encoding limits, which decide how loaded values are represented. */
    public RdbValues.Limits limits() {
        return new RdbValues.Limits(
                new HashLimits(config.hashMaxListpackEntries.asLong(), config.hashMaxListpackValue.asLong()),
                new SetLimits(config.setMaxIntsetEntries.asLong(), config.setMaxListpackEntries.asLong(),
                        config.setMaxListpackValue.asLong()),
                new ZSetLimits(config.zsetMaxListpackEntries.asLong(), config.zsetMaxListpackValue.asLong()),
                config.listMaxListpackSize.asInt());
    }

    /** Enters the loading state for a load other than the RDB file's (the AOF's) of {@code totalBytes}. */
    public void startLoading(long totalBytes) {
        loadingStartMillis = System.currentTimeMillis();
        loadingTotalBytes = totalBytes;
        loadingLoadedBytes = 0;
        loading = true;
    }

    public void loadingProgress(long loadedBytes) {
        loadingLoadedBytes = loadedBytes;
    }

    /** Leaves the loading state after a load that succeeded (after a failure the node stays LOADING and exits). */
    public void stopLoading() {
        changesAtLastSave = keyspace.changes();
        loading = false;
    }

    /**
     * Before the node listens: when there is an RDB file to load, enters the loading state (commands get
     * LOADING) and returns true; {@link #loadAtStartup} then loads it.
     */
    public boolean prepareLoad() {
        if (!Files.exists(file())) {
            return false;
        }
        loadingStartMillis = System.currentTimeMillis();
        loading = true;
        return true;
    }

    /**
     * Loads the RDB file, if {@link #prepareLoad} found one, into the (empty) keyspace while the node already
     * answers with LOADING; {@code onFailure} runs with the reason when the file cannot be loaded (Redis exits then).
     */
    public void loadAtStartup(java.util.function.Consumer<String> onFailure) {
        if (!loading) {
            return;
        }
        Path file = file();
        Thread t = new Thread(() -> {
            try {
                long start = System.nanoTime();
                long keys = loadRecorded(file);
                log("DB loaded from disk: " + String.format("%.3f", (System.nanoTime() - start) / 1e9)
                        + " seconds (" + keys + " keys)");
            } catch (IOException | RuntimeException e) {
                shutdownSaveDone.set(true); // the exit that follows must not overwrite the file with a partial load
                onFailure.accept(e.getMessage());
            } finally {
                loading = false;
            }
        }, "larder-rdb-load");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Loads {@code file} into the keyspace (which the caller emptied), keys that already expired left out as a
     * Redis master leaves them; returns the number of keys loaded. Safe while the node runs: each key is
     * stored under its stripe's lock.
     */
    public long load(Path file) throws IOException {
        return load(file, false);
    }

    /**
     * The start-up load: the replication history the file records goes to the {@link ReplicationRecord}, and keys
     * that already expired are kept then (see {@link ReplicationRecord#loaded}).
     */
    private long loadRecorded(Path file) throws IOException {
        ReplicationRecord record = replicationRecord;
        String[] fields = new String[3]; // repl-id, repl-offset, repl-stream-db
        BiConsumer<String, byte[]> aux = (name, value) -> {
            int i = switch (name) {
                case "repl-id" -> 0;
                case "repl-offset" -> 1;
                case "repl-stream-db" -> 2;
                default -> -1;
            };
            if (i >= 0) {
                fields[i] = new String(value, StandardCharsets.US_ASCII);
            }
        };
        // Aux fields come before the keys: whether expired keys stay is known by the first key.
        java.util.function.BooleanSupplier keepExpired = () -> record != null && History.of(fields) != null;
        long keys = loadFile(file, new Loader(false, keepExpired, aux));
        History history = History.of(fields);
        if (record != null && history != null) {
            record.loaded(history);
        }
        return keys;
    }

    /** {@link #load(Path)}; with {@code merge} a key already present is replaced instead of being an error. */
    public long load(Path file, boolean merge) throws IOException {
        return loadFile(file, new Loader(merge, () -> false, (name, value) -> { }));
    }

    private long loadFile(Path file, Loader loader) throws IOException {
        try (InputStream in = Files.newInputStream(file)) { // RdbInput buffers: a second buffer would copy twice
            loadingTotalBytes = Files.size(file);
            loadingLoadedBytes = 0;
            long keys = read(loader, in).keys();
            changesAtLastSave = keyspace.changes();
            lastSaveMillis = System.currentTimeMillis();
            return keys;
        }
    }

    /**
     * Loads the RDB that starts an AOF base file (the {@code aof-use-rdb-preamble} form) into the empty
     * keyspace; returns the bytes it took, after which the file may go on with commands. Keys already expired are
     * kept, as Redis keeps them here: the commands that follow may still act on them (a replica's base holds keys
     * its primary has not deleted yet, and the primary's PERSIST of one may follow).
     */
    public long loadAofPreamble(InputStream in) throws IOException {
        return read(new Loader(false, () -> true, (name, value) -> { }), in).bytes();
    }

    private RdbReader.Summary read(Loader loader, InputStream in) throws IOException {
        RdbReader.Summary summary;
        try {
            summary = RdbReader.read(in, limits(), keyspace.databaseCount(), config.find("rdbchecksum").asBool(),
                    loader);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        lastLoadKeysLoaded = loader.loaded;
        lastLoadKeysExpired = loader.expired;
        return summary;
    }

    /**
     * A replica's full resynchronisation: empties the keyspace and loads the primary's snapshot from {@code in}
     * ({@code size} bytes, for INFO's loading figures) while commands get LOADING. Keys already expired are kept,
     * as a Redis replica keeps them: the primary's DEL removes them. Returns the number of keys loaded.
     */
    public long loadFromPrimary(InputStream in, long size, BiConsumer<String, byte[]> aux) throws IOException {
        loadingStartMillis = System.currentTimeMillis();
        loading = true;
        try {
            keyspace.lockAll();
            try {
                keyspace.flushAll();
            } finally {
                keyspace.unlockAll();
            }
            return loadSnapshot(in, size, aux, null);
        } finally {
            loading = false;
        }
    }

    /**
     * repl-diskless-load swapdb: loads a primary's snapshot into databases of their own while the old data set
     * stays in place, then swaps it in; a load that fails leaves the old data set (Redis's disklessLoadInitTempDb,
     * swapMainDbWithTempDb, disklessLoadDiscardTempDb). {@code async}: the old data is served meanwhile, only
     * commands flagged no-async-loading getting LOADING (Redis's async loading, for a snapshot of the history the
     * old data belongs to); otherwise commands get LOADING as for any load.
     */
    public long loadFromPrimaryAside(InputStream in, long size, BiConsumer<String, byte[]> aux, boolean async)
            throws IOException {
        loadingStartMillis = System.currentTimeMillis();
        if (async) {
            asyncLoading = true;
        } else {
            loading = true;
        }
        Db[] aside = keyspace.detachedDatabases();
        try {
            long loaded = loadSnapshot(in, size, aux, aside);
            keyspace.lockAll();
            try {
                keyspace.replaceAll(aside); // the old data set is in aside now
            } finally {
                keyspace.unlockAll();
            }
            return loaded;
        } finally {
            asyncLoading = false;
            loading = false;
            keyspace.discardDetached(aside); // the old data set, or what a failed load left
        }
    }

    private long loadSnapshot(InputStream in, long size, BiConsumer<String, byte[]> aux, Db[] into) throws IOException {
        Loader loader = new Loader(false, () -> true, aux, into);
        loadingTotalBytes = size;
        loadingLoadedBytes = 0;
        read(loader, in);
        changesAtLastSave = keyspace.changes();
        return loader.loaded;
    }

    /** Stores each key of a file being loaded, under its stripe's lock. */
    private final class Loader implements RdbReader.Sink {
        private final boolean merge;
        private final java.util.function.BooleanSupplier keepExpired;
        private final BiConsumer<String, byte[]> aux;
        /** The databases keys go to: the keyspace's, or (null) detached ones a snapshot is loaded into aside. */
        private final Db[] into;
        private final long now = keyspace.clock().millis();
        private final boolean lru = lruPolicy();
        private final int lruNow = keyspace.lruClock();
        long loaded;
        long expired;

        Loader(boolean merge, java.util.function.BooleanSupplier keepExpired, BiConsumer<String, byte[]> aux) {
            this(merge, keepExpired, aux, null);
        }

        Loader(boolean merge, java.util.function.BooleanSupplier keepExpired, BiConsumer<String, byte[]> aux,
                Db[] into) {
            this.merge = merge;
            this.keepExpired = keepExpired;
            this.aux = aux;
            this.into = into;
        }

        @Override
        public void aux(String name, byte[] value) {
            aux.accept(name, value);
        }

        @Override
        public void progress(long bytes) {
            loadingLoadedBytes = bytes;
        }

        @Override
        public void function(byte[] code) {
            loadLibrary(code);
        }

        @Override
        public void key(int dbIndex, byte[] key, Object value, long expireAt, long idle) {
            if (expireAt != 0 && expireAt < now && !keepExpired.getAsBoolean()) {
                expired++;
                return;
            }
            Db db = into != null ? into[dbIndex] : keyspace.db(dbIndex);
            int slot = HashSlot.of(key);
            int stripe = Keyspace.stripeOf(slot);
            keyspace.lockStripe(stripe);
            try {
                if (merge) {
                    db.delete(key);
                }
                if (!db.addLoaded(slot, key, value, expireAt)) {
                    throw new RdbFormatException("RDB has duplicated key '"
                            + new String(key, StandardCharsets.UTF_8) + "' in DB " + dbIndex);
                }
                if (idle >= 0 && lru) {
                    long clock = lruNow - idle;
                    db.setAccessClock(key, (int) (clock >= 0 ? clock : (lruNow + LRU_CLOCK_MAX / 2) % LRU_CLOCK_MAX));
                }
            } finally {
                keyspace.unlockStripe(stripe);
            }
            loaded++;
        }
    }

    private static void log(String message) {
        System.out.println(message);
    }
}
