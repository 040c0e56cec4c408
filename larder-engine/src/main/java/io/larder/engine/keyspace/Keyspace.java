package io.larder.engine.keyspace;

import io.larder.engine.memory.Footprint;
import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Clock;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All databases of a node, partitioned by hash slot, guarded by stripe locks.
 * <p>
 * Slot {@code s} belongs to stripe {@code s % STRIPES} in every database, so a command locks the stripes of
 * its keys (in ascending order, which rules out deadlock) and is then atomic and isolated like a Redis
 * command, while commands on other stripes run at the same time on the other event loop. Commands over the
 * whole keyspace (FLUSHALL, SWAPDB, KEYS) take every stripe.
 */
public final class Keyspace {
    public static final int STRIPES = 1024;
    /** Slots {@code s, s + STRIPES, s + 2 * STRIPES ...} share stripe {@code s}. */
    public static final int SLOTS_PER_STRIPE = HashSlot.COUNT / STRIPES;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final Db[] databases;
    private final Clock clock;
    private final int hashSeed = ThreadLocalRandom.current().nextInt();
    private volatile int cachedLruClock;
    /** Clients with CLIENT NO-TOUCH on; while there are none, reads never consult the per-thread flag. */
    private final java.util.concurrent.atomic.AtomicInteger noTouchClients = new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<boolean[]> TOUCH_SUPPRESSED = ThreadLocal.withInitial(() -> new boolean[1]);
    private volatile KeyspaceListener listener = KeyspaceListener.NONE;
    private volatile StripeWatcher stripeWatcher;
    /** Key modifications signalled so far: the "changes" that save points and rdb_changes_since_last_save count. */
    private final java.util.concurrent.atomic.LongAdder changes = new java.util.concurrent.atomic.LongAdder();
    /** How many parties want {@link KeyspaceListener#modified} calls (watched keys, later tracking ...). */
    private final AtomicInteger modificationInterest = new AtomicInteger();
    /** Accounted bytes of every database's tables, keys and values (used_memory's dataset part). */
    private final LongAdder dataBytes = new LongAdder();
    /**
     * With an LFU policy the access clock of each key holds Redis's LFU word instead of LRU seconds: the minute
     * of the last decrement (16 bits) above a logarithmic access counter (8 bits).
     */
    private volatile boolean lfu;
    private volatile int lfuLogFactor = 10;
    private volatile int lfuDecayMinutes = 1;
    private volatile int cachedMinutes;
    static final int LFU_INIT_VAL = 5;
    /**
     * On a replica keys are removed only by the primary's DEL: an expired key is absent to clients but stays in
     * place, and for the thread applying the primary's stream it is still there (Redis's expireIfNeeded).
     */
    private volatile boolean expiriesFromPrimary;
    private volatile Thread primaryApplier;

    public Keyspace(int databaseCount, Clock clock) {
        this.clock = clock;
        this.cachedLruClock = lruClock();
        this.cachedMinutes = lfuMinutes();
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        databases = new Db[databaseCount];
        for (int i = 0; i < databaseCount; i++) {
            databases[i] = new Db(this, i);
        }
    }

    public Clock clock() {
        return clock;
    }

    public int databaseCount() {
        return databases.length;
    }

    public Db db(int index) {
        return databases[index];
    }

    public KeyspaceListener listener() {
        return listener;
    }

    public void listener(KeyspaceListener listener) {
        this.listener = listener;
    }

    /**
     * Registers (+1) or withdraws (-1) an interest in key modifications. Whoever registers must do so while
     * holding the stripe of every key it then starts following, so that writers of those keys see it.
     */
    public void modificationInterest(int delta) {
        modificationInterest.addAndGet(delta);
    }

    void countChange() {
        changes.increment();
    }

    /** Key modifications so far (each {@link Db#signalModified} counts one). */
    public long changes() {
        return changes.sum();
    }

    /** One volatile read: false while nobody follows modifications, which keeps signals free on the hot path. */
    public boolean wantsModifications() {
        return modificationInterest.get() != 0;
    }

    int hash(byte[] key) {
        return BytesHash.hash(hashSeed, key);
    }

    public static int stripeOf(int slot) {
        return slot & (STRIPES - 1);
    }

    /**
     * The slot at a position of the stripe-major walk order (every slot of stripe 0, then of stripe 1 ...),
     * which lets a walk over all slots take each stripe's lock once.
     */
    public static int slotAtPosition(int position) {
        return position / SLOTS_PER_STRIPE + (position % SLOTS_PER_STRIPE) * STRIPES;
    }

    public static int stripeOf(byte[] key) {
        return stripeOf(HashSlot.of(key));
    }

    public void lockStripe(int stripe) {
        locks[stripe].lock();
        StripeWatcher w = stripeWatcher;
        if (w != null && locks[stripe].getHoldCount() == 1) {
            w.locked(stripe);
        }
    }

    /**
     * Told of every stripe lock taken, right after it is taken and before its holder reads or writes: how a
     * background save copies a stripe before the first command after the snapshot point changes it. Only the
     * outermost acquisition counts (a reentrant one may come in the middle of a command). {@link #locked} must
     * not throw.
     */
    public interface StripeWatcher {
        void locked(int stripe);
    }

    /** Installs (or with null removes) the one stripe watcher; false when another one is installed. */
    public synchronized boolean stripeWatcher(StripeWatcher watcher, StripeWatcher expected) {
        if (stripeWatcher != expected) {
            return false;
        }
        stripeWatcher = watcher;
        return true;
    }

    public void unlockStripe(int stripe) {
        locks[stripe].unlock();
    }


    public void lockAll() {
        for (ReentrantLock lock : locks) {
            lock.lock();
        }
        StripeWatcher w = stripeWatcher;
        if (w != null) {
            for (int i = 0; i < STRIPES; i++) {
                if (locks[i].getHoldCount() == 1) {
                    w.locked(i);
                }
            }
        }
    }

    public void unlockAll() {
        for (int i = STRIPES - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }

    /** Swaps the contents of two databases; the caller holds every stripe. */
    public void swap(int a, int b) {
        if (a != b) {
            listener.swapping(databases[a], databases[b]);
            listener.swapping(databases[b], databases[a]);
        }
        databases[a].swapContents(databases[b]);
    }

    /**
     * Empty databases outside the keyspace, one per database, hashed and accounted as this keyspace's (a replica
     * loads its primary's data set into them while it serves the old one): see {@link #replaceAll}.
     */
    public Db[] detachedDatabases() {
        Db[] detached = new Db[databases.length];
        for (int i = 0; i < detached.length; i++) {
            detached[i] = new Db(this, i);
        }
        return detached;
    }

    /**
     * Puts the contents of each of {@code loaded} (from {@link #detachedDatabases}) in place of the database of
     * the same index, as a flush of it would be seen; the old contents go to {@code loaded}, for
     * {@link #discardDetached}. The caller holds every stripe.
     */
    public void replaceAll(Db[] loaded) {
        for (int i = 0; i < databases.length; i++) {
            listener.flushing(databases[i]);
            databases[i].swapContents(loaded[i]);
        }
    }

    /** Empties detached databases (no lock: nothing else sees them). */
    public void discardDetached(Db[] detached) {
        for (Db db : detached) {
            db.clear();
        }
    }

    /** Empties one database; the caller holds every stripe. */
    public void flush(int index) {
        listener.flushing(databases[index]);
        databases[index].clear();
    }

    /** Empties every database; the caller holds every stripe. */
    public void flushAll() {
        for (Db db : databases) {
            listener.flushing(db);
            db.clear();
        }
    }

    /** LRU clock in seconds, 24 bits, as Redis keeps it for OBJECT IDLETIME, read from the clock now. */
    public int lruClock() {
        return (int) ((clock.millis() / 1000) & 0xFFFFFF);
    }

    /**
     * The LRU clock as of the last {@link #refreshClock()}: what key accesses are stamped with, so the hot path
     * does not read the system clock per command (Redis caches its clock per event loop iteration likewise).
     */
    public int accessClock() {
        return cachedLruClock;
    }

    /** Whether expired keys wait for the primary's deletion (the node is a replica). */
    public boolean expiriesFromPrimary() {
        return expiriesFromPrimary;
    }

    public void expiriesFromPrimary(boolean on) {
        this.expiriesFromPrimary = on;
    }

    /**
     * Redis's checkAlreadyExpired: whether a deadline at or before {@code now} deletes the key at once. Not while
     * expiries come from the primary (a replica, or an AOF being replayed): the key is kept with its past deadline,
     * so that the primary's DEL, or a later command of the file (PERSIST), settles it as it did when it ran.
     */
    public boolean deletesAtOnce(long deadline, long now) {
        return deadline <= now && !expiriesFromPrimary;
    }

    /** Marks the calling thread as running (true) or no longer running (false) a command of the primary's stream. */
    public void applyingPrimary(boolean on) {
        primaryApplier = on ? Thread.currentThread() : null;
    }

    /** True on a replica while the calling thread runs a command of the primary's stream. */
    boolean primaryApplying() {
        return expiriesFromPrimary && primaryApplier == Thread.currentThread();
    }

    /** Counts a client turning CLIENT NO-TOUCH on (+1) or off (-1). */
    public void noTouchClients(int delta) {
        noTouchClients.addAndGet(delta);
    }

    /** While set, reads on this thread leave access clocks alone (a command of a NO-TOUCH client). */
    public void suppressTouch(boolean on) {
        TOUCH_SUPPRESSED.get()[0] = on;
    }

    boolean touchSuppressed() {
        return noTouchClients.get() != 0 && TOUCH_SUPPRESSED.get()[0];
    }

    /** Called once per batch of requests (and by the cron); writes only when the second changed. */
    public void refreshClock() {
        int now = lruClock();
        if (now != cachedLruClock) {
            cachedLruClock = now;
            int minutes = lfuMinutes();
            if (minutes != cachedMinutes) {
                cachedMinutes = minutes;
            }
        }
    }

    /** Adds to the accounted bytes; the caller holds the stripe whose data changed. */
    void account(long delta) {
        dataBytes.add(delta);
    }

    /** Accounted bytes of all data: every database's tables, keys and values. */
    public long dataBytes() {
        return dataBytes.sum();
    }

    /** Fixed bytes of the keyspace's own structures (per database slot tables and stripe counters, locks). */
    public long overheadBytes() {
        long perDb = Footprint.object(40) + Footprint.refArray(HashSlot.COUNT) + 4 * Footprint.longArray(STRIPES);
        return perDb * databases.length + STRIPES * Footprint.object(32);
    }

    /** Switches the access clocks to LFU counters (or back to LRU seconds), with Redis's two LFU parameters. */
    public void accessPolicy(boolean lfu, int logFactor, int decayMinutes) {
        this.lfuLogFactor = logFactor;
        this.lfuDecayMinutes = decayMinutes;
        this.lfu = lfu;
    }

    public boolean lfu() {
        return lfu;
    }

    /** The access clock a new key starts with: now, or under LFU a small counter so it is not evicted at once. */
    int newEntryClock() {
        return lfu ? (cachedMinutes << 8) | LFU_INIT_VAL : cachedLruClock;
    }

    /** The access clock after an access: now, or under LFU the decayed counter, maybe incremented. */
    int touchedClock(int previous) {
        if (!lfu) {
            return cachedLruClock;
        }
        int counter = lfuDecayed(previous);
        if (counter < 255) {
            int base = Math.max(0, counter - LFU_INIT_VAL);
            double p = 1.0 / (base * (double) lfuLogFactor + 1);
            if (random().nextDouble() < p) {
                counter++;
            }
        }
        return (cachedMinutes << 8) | counter;
    }

    /**
     * The counter of an LFU access clock after the decay owed since its last decrement: one per
     * lfu-decay-time minutes elapsed (Redis's LFUDecrAndReturn); OBJECT FREQ's answer.
     */
    public int lfuDecayed(int clock) {
        int counter = clock & 0xFF;
        int decay = lfuDecayMinutes;
        if (decay == 0) {
            return counter;
        }
        int last = (clock >>> 8) & 0xFFFF;
        int now = cachedMinutes;
        int elapsed = now >= last ? now - last : 65535 - last + now;
        int periods = elapsed / decay;
        return periods > counter ? 0 : counter - periods;
    }

    private int lfuMinutes() {
        return (int) ((clock.millis() / 60_000) & 0xFFFF);
    }

    static ThreadLocalRandom random() {
        return ThreadLocalRandom.current();
    }
}
