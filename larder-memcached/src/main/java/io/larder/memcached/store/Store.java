package io.larder.memcached.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The item store: a hash table split into independently locked stripes, each with its own exact LRU list.
 * Memory is accounted per item the way memcached's {@code stats bytes} reports it and bounded by the
 * {@code -m} limit; over the limit the store evicts from the LRU tail of the writer's stripe (then, with
 * tryLock, from the others), or refuses with {@link Status#NO_MEMORY} when evictions are off ({@code -M}).
 */
public final class Store {
    public enum Mode { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

    public enum Status { STORED, NOT_STORED, EXISTS, NOT_FOUND, TOO_LARGE, NO_MEMORY, NON_NUMERIC }

    /** Marks "leave the expiry as it is" where an operation may change it. */
    public static final int KEEP_EXPIRY = Integer.MIN_VALUE;

    private static final int STRIPES = 256;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final McClock clock;
    private final boolean useCas;
    private final boolean evict;
    private final int itemSizeMax;
    private volatile long maxBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong currItems = new AtomicLong();
    private final AtomicLong casIds = new AtomicLong();
    private final LongAdder totalItems = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder evictedUnfetched = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private final LongAdder expiredUnfetched = new LongAdder();
    private final LongAdder getExpired = new LongAdder();
    private final LongAdder getFlushed = new LongAdder();
    /** memcached's settings.oldest_live for a delayed flush_all: items last touched at or before it are gone. */
    private volatile int oldestLive;
    /** The next stripe the crawler visits; only the crawler thread uses it. */
    private int crawlCursor;

    public Store(McClock clock, long maxBytes, int itemSizeMax, boolean useCas, boolean evict) {
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.itemSizeMax = itemSizeMax;
        this.useCas = useCas;
        this.evict = evict;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(i);
        }
    }

    public McClock clock() {
        return clock;
    }

    public boolean useCas() {
        return useCas;
    }

    /** memcached's item_size_ok: whether an item of these sizes can be stored at all. */
    public boolean fits(int keyLength, int flags, long valueLength) {
        return Item.totalSize(keyLength, valueLength, flags, useCas) <= itemSizeMax;
    }

    /** The work of one command on one key, run while holding the key's stripe. */
    @FunctionalInterface
    public interface Op<R> {
        R apply(Access access);
    }

    public <R> R access(byte[] key, Op<R> op) {
        int hash = hash(key);
        Stripe s = stripes[hash >>> 24];
        s.lock.lock();
        try {
            s.access.key = key;
            s.access.hash = hash;
            return op.apply(s.access);
        } finally {
            s.access.key = null;
            s.lock.unlock();
        }
    }

    /** get/gets: the live item, bumped and marked fetched; null on a miss. */
    public Item get(byte[] key) {
        return access(key, a -> {
            Item it = a.item();
            if (it != null) {
                a.bump(it);
            }
            return it;
        });
    }

    /** gat/gats and binary GAT: like get, and sets a new expiry. */
    public Item getAndTouch(byte[] key, int exptime) {
        return access(key, a -> {
            Item it = a.item();
            if (it != null) {
                it.exptime = exptime;
                a.bump(it);
            }
            return it;
        });
    }

    /** touch: a new expiry without fetching. */
    public boolean touch(byte[] key, int exptime) {
        return access(key, a -> {
            Item it = a.item();
            if (it == null) {
                return false;
            }
            it.exptime = exptime;
            a.bumpQuietly(it);
            return true;
        });
    }

    /** The result of a store, with the CAS unique the stored item got. */
    public record Stored(Status status, long cas) {
        static final Stored NOT_STORED = new Stored(Status.NOT_STORED, 0);
        static final Stored EXISTS = new Stored(Status.EXISTS, 0);
        static final Stored NOT_FOUND = new Stored(Status.NOT_FOUND, 0);
        static final Stored TOO_LARGE = new Stored(Status.TOO_LARGE, 0);
        static final Stored NO_MEMORY = new Stored(Status.NO_MEMORY, 0);
    }

    /**
     * set/add/replace/append/prepend/cas (memcached's do_store_item). {@code casIn} != 0 makes append/prepend
     * and replace conditional as in the binary and meta protocols. {@code keyBinary} marks meta base64 keys.
     */
    public Stored store(Mode mode, byte[] key, int flags, int exptime, byte[] value, long casIn, boolean keyBinary) {
        return store(mode, key, flags, exptime, value, casIn, keyBinary, false);
    }

    /**
     * As above; with {@code staleIfOlder} (meta ms I) a CAS mode store whose CAS is older than the item's still
     * replaces the value, keeping the expiry, and marks the item stale (memcached's set_stale).
     */
    public Stored store(Mode mode, byte[] key, int flags, int exptime, byte[] value, long casIn, boolean keyBinary,
                        boolean staleIfOlder) {
        if (!fits(key.length, flags, value.length)) {
            return Stored.TOO_LARGE;
        }
        return access(key, a -> {
            Item old = a.item();
            Item fresh;
            switch (mode) {
                case ADD -> {
                    if (old != null) {
                        a.bumpQuietly(old);
                        return Stored.NOT_STORED;
                    }
                    fresh = a.newItem(value, flags, exptime);
                }
                case CAS -> {
                    if (old == null) {
                        return Stored.NOT_FOUND;
                    }
                    if (old.cas == casIn) {
                        fresh = a.newItem(value, flags, exptime);
                    } else if (staleIfOlder && Long.compareUnsigned(casIn, old.cas) < 0) {
                        fresh = a.newItem(value, flags, old.exptime);
                        fresh.stale(true);
                        fresh.tokenSent(old.tokenSent());
                    } else {
                        return Stored.EXISTS;
                    }
                }
                case REPLACE, APPEND, PREPEND -> {
                    if (old == null) {
                        return Stored.NOT_STORED;
                    }
                    if (casIn != 0 && old.cas != casIn) {
                        return Stored.EXISTS;
                    }
                    if (mode == Mode.REPLACE) {
                        fresh = a.newItem(value, flags, exptime);
                    } else {
                        int oldLength = old.valueLength();
                        byte[] joined = new byte[oldLength + value.length];
                        int oldAt = mode == Mode.APPEND ? 0 : value.length;
                        System.arraycopy(old.data, old.valueOffset(), joined, oldAt, oldLength);
                        System.arraycopy(value, 0, joined, mode == Mode.APPEND ? oldLength : 0, value.length);
                        if (!fits(key.length, old.flags, joined.length)) {
                            return Stored.TOO_LARGE;
                        }
                        fresh = a.newItem(joined, old.flags, old.exptime);
                    }
                }
                default -> {
                    if (casIn != 0 && old != null && old.cas != casIn) {
                        return Stored.EXISTS;
                    }
                    if (casIn != 0 && old == null) {
                        return Stored.NOT_FOUND;
                    }
                    fresh = a.newItem(value, flags, exptime);
                }
            }
            fresh.keyBinary(keyBinary);
            if (!a.link(fresh)) {
                if (mode == Mode.SET && old != null) {
                    // As memcached: a failed set must not leave the old value readable.
                    a.unlink(old);
                }
                return Stored.NO_MEMORY;
            }
            return new Stored(Status.STORED, fresh.cas);
        });
    }

    /** delete, optionally only when the CAS matches: DELETED is STORED here; EXISTS on a CAS mismatch. */
    public Status delete(byte[] key, long casIn) {
        return access(key, a -> {
            Item it = a.item();
            if (it == null) {
                return Status.NOT_FOUND;
            }
            if (casIn != 0 && it.cas != casIn) {
                return Status.EXISTS;
            }
            a.unlink(it);
            return Status.STORED;
        });
    }

    /** The outcome of incr/decr: the new value and the item's CAS; status says what happened. */
    public record Delta(Status status, long value, long cas, int exptime, boolean created) {
        static final Delta NOT_FOUND = new Delta(Status.NOT_FOUND, 0, 0, 0, false);
        static final Delta NON_NUMERIC = new Delta(Status.NON_NUMERIC, 0, 0, 0, false);
        static final Delta EXISTS = new Delta(Status.EXISTS, 0, 0, 0, false);
        static final Delta NO_MEMORY = new Delta(Status.NO_MEMORY, 0, 0, 0, false);
    }

    /**
     * incr/decr (memcached's do_add_delta): 64-bit unsigned, incr wraps, decr stops at 0. A shorter result is
     * written in place padded with spaces, as memcached does. On a miss with {@code vivify} the item is created
     * holding {@code initial} (the delta is not applied). {@code newExptime} (unless KEEP_EXPIRY) sets the expiry
     * of the resulting item.
     */
    public Delta delta(byte[] key, boolean incr, long delta, long casIn, boolean vivify, long initial,
                       int vivifyExptime, int newExptime) {
        return access(key, a -> {
            Item it = a.item();
            if (it == null) {
                if (!vivify) {
                    return Delta.NOT_FOUND;
                }
                Item fresh = a.newItem(Ascii.unsignedBytes(initial), 0, vivifyExptime);
                if (newExptime != KEEP_EXPIRY) {
                    fresh.exptime = newExptime;
                }
                if (!a.link(fresh)) {
                    return Delta.NO_MEMORY;
                }
                return new Delta(Status.STORED, initial, fresh.cas, fresh.exptime, true);
            }
            if (casIn != 0 && it.cas != casIn) {
                return Delta.EXISTS;
            }
            long current = Ascii.strtoull(it.data, it.valueOffset(), it.data.length);
            if (current == Ascii.INVALID || it.valueLength() == 0) {
                return Delta.NON_NUMERIC;
            }
            long result = incr ? current + delta : (Long.compareUnsigned(delta, current) > 0 ? 0 : current - delta);
            byte[] digits = Ascii.unsignedBytes(result);
            Item target;
            if (digits.length <= it.valueLength()) {
                byte[] padded = new byte[it.valueLength()];
                System.arraycopy(digits, 0, padded, 0, digits.length);
                java.util.Arrays.fill(padded, digits.length, padded.length, (byte) ' ');
                a.replaceValueInPlace(it, padded);
                target = it;
            } else {
                target = a.newItem(digits, it.flags, it.exptime);
                if (!a.link(target)) {
                    return Delta.NO_MEMORY;
                }
            }
            if (newExptime != KEEP_EXPIRY) {
                target.exptime = newExptime;
            }
            return new Delta(Status.STORED, result, target.cas, target.exptime, false);
        });
    }

    /** flush_all: at once (delay <= 0) everything goes; with a delay, items not touched again by then. */
    public void flushAll(long delaySeconds) {
        if (delaySeconds > 0) {
            oldestLive = clock.expiry(delaySeconds) - 1;
            return;
        }
        oldestLive = 0;
        for (Stripe s : stripes) {
            s.lock.lock();
            try {
                s.clear();
            } finally {
                s.lock.unlock();
            }
        }
    }

    public void maxBytes(long bytes) {
        this.maxBytes = bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long currItems() {
        return currItems.get();
    }

    public long totalItems() {
        return totalItems.sum();
    }

    public long evictions() {
        return evictions.sum();
    }

    public long evictedUnfetched() {
        return evictedUnfetched.sum();
    }

    public long reclaimed() {
        return reclaimed.sum();
    }

    public long expiredUnfetched() {
        return expiredUnfetched.sum();
    }

    public long getExpired() {
        return getExpired.sum();
    }

    public long getFlushed() {
        return getFlushed.sum();
    }

    /** stats reset: the cumulative counters, not the gauges. */
    public void resetStats() {
        totalItems.reset();
        evictions.reset();
        evictedUnfetched.reset();
        reclaimed.reset();
        expiredUnfetched.reset();
        getExpired.reset();
        getFlushed.reset();
    }

    /** Visits every live item's total size (for stats items/slabs); each stripe is locked in turn. */
    public void forEachItemSize(java.util.function.IntConsumer sizes) {
        int now = clock.now();
        for (Stripe s : stripes) {
            s.lock.lock();
            try {
                for (Item it = s.newest; it != null; it = it.older) {
                    if (!dead(it, now)) {
                        sizes.accept(it.totalSize(useCas));
                    }
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Drops expired items from every stripe at once (lru_crawler crawl). */
    public void reclaimExpired() {
        crawl(Long.MAX_VALUE);
    }

    /**
     * memcached's LRU crawler in small steps: walks whole stripes, round robin from where the last call
     * stopped, dropping expired and flushed items, until {@code budgetNanos} have passed. A stripe busy with
     * requests is skipped this time.
     */
    public void crawl(long budgetNanos) {
        long start = System.nanoTime();
        int now = clock.now();
        for (int n = 0; n < STRIPES && System.nanoTime() - start < budgetNanos; n++) {
            Stripe s = stripes[crawlCursor];
            crawlCursor = (crawlCursor + 1) & (STRIPES - 1);
            if (!s.lock.tryLock()) {
                continue;
            }
            try {
                for (Item it = s.oldest; it != null; ) {
                    Item next = it.newer;
                    if (dead(it, now)) {
                        s.remove(it);
                        reclaimed.increment();
                    }
                    it = next;
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    private boolean dead(Item it, int now) {
        if (it.exptime != 0 && it.exptime <= now) {
            return true;
        }
        int ol = oldestLive;
        return ol != 0 && ol <= now && it.time <= ol;
    }

    static int hash(byte[] key) {
        return hash(key, key.length);
    }

    static int hash(byte[] data, int length) {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + data[i];
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** What an operation may do with its key while the stripe is held. */
    public final class Access {
        private final Stripe stripe;
        byte[] key;
        int hash;

        Access(Stripe stripe) {
            this.stripe = stripe;
        }

        public int now() {
            return clock.now();
        }

        /** The live item for the key, or null; an expired or flushed one is removed on the way. */
        public Item item() {
            Item it = stripe.find(key, hash);
            if (it == null) {
                return null;
            }
            int now = clock.now();
            if (it.exptime != 0 && it.exptime <= now) {
                getExpired.increment();
                if (!it.fetched()) {
                    expiredUnfetched.increment();
                }
                stripe.remove(it);
                reclaimed.increment();
                return null;
            }
            int ol = oldestLive;
            if (ol != 0 && ol <= now && it.time <= ol) {
                getFlushed.increment();
                stripe.remove(it);
                return null;
            }
            return it;
        }

        public Item newItem(byte[] value, int flags, int exptime) {
            return new Item(key, value, flags, exptime);
        }

        /** Links a new item in place of the key's current one, evicting for room; false when out of memory. */
        public boolean link(Item fresh) {
            Item old = stripe.find(key, hash);
            long size = fresh.totalSize(useCas);
            long freed = old != null ? old.totalSize(useCas) : 0;
            if (!makeRoom(size - freed, old)) {
                return false;
            }
            if (old != null) {
                stripe.remove(old);
            }
            fresh.cas = useCas ? casIds.incrementAndGet() : 0;
            fresh.time = clock.now();
            stripe.insert(fresh, hash);
            totalItems.increment();
            return true;
        }

        /** Replaces an item's value with one of the same length (in-place incr/decr), with a new CAS. */
        public void replaceValueInPlace(Item it, byte[] value) {
            it.value(value);
            it.cas = useCas ? casIds.incrementAndGet() : 0;
            it.time = clock.now();
        }

        /** A new CAS unique for an item changed in place (md with I). */
        public void renewCas(Item it) {
            it.cas = useCas ? casIds.incrementAndGet() : 0;
        }

        public void unlink(Item it) {
            stripe.remove(it);
        }

        /** A fetch: most recently used, and marked fetched. */
        public void bump(Item it) {
            it.fetched(true);
            bumpQuietly(it);
        }

        /** Most recently used, without counting as a fetch. */
        public void bumpQuietly(Item it) {
            it.time = clock.now();
            stripe.toFront(it);
        }

        private boolean makeRoom(long needed, Item keep) {
            long limit = maxBytes;
            if (needed <= 0 || usedBytes.get() + needed <= limit) {
                return true;
            }
            if (needed > limit) {
                return false;
            }
            // Expired items at the tails go first in any case; live ones only when evictions are allowed.
            while (usedBytes.get() + needed > limit) {
                if (!stripe.evictTail(keep, evict)) {
                    break;
                }
            }
            for (int i = 1; i < STRIPES && usedBytes.get() + needed > limit; i++) {
                Stripe other = stripes[(stripe.index + i) & (STRIPES - 1)];
                if (other.lock.tryLock()) {
                    try {
                        while (usedBytes.get() + needed > limit && other.evictTail(null, evict)) {
                            // keep evicting this stripe's tail
                        }
                    } finally {
                        other.lock.unlock();
                    }
                }
            }
            return usedBytes.get() + needed <= limit;
        }
    }

    /** One lock's share of the table: chained hash buckets and an LRU list from newest to oldest. */
    private final class Stripe {
        final int index;
        final ReentrantLock lock = new ReentrantLock();
        final Access access = new Access(this);
        Item[] table = new Item[64];
        int size;
        Item newest;
        Item oldest;

        Stripe(int index) {
            this.index = index;
        }

        Item find(byte[] key, int hash) {
            for (Item it = table[hash & (table.length - 1)]; it != null; it = it.hashNext) {
                if (it.keyEquals(key)) {
                    return it;
                }
            }
            return null;
        }

        void insert(Item it, int hash) {
            if (size >= table.length + (table.length >> 1)) {
                grow();
            }
            int b = hash & (table.length - 1);
            it.hashNext = table[b];
            table[b] = it;
            size++;
            pushFront(it);
            usedBytes.addAndGet(it.totalSize(useCas));
            currItems.incrementAndGet();
        }

        void remove(Item it) {
            int b = hash(it.data, it.keyLength()) & (table.length - 1);
            Item prev = null;
            for (Item cur = table[b]; cur != null; prev = cur, cur = cur.hashNext) {
                if (cur == it) {
                    if (prev == null) {
                        table[b] = cur.hashNext;
                    } else {
                        prev.hashNext = cur.hashNext;
                    }
                    size--;
                    unlinkLru(it);
                    it.hashNext = null;
                    usedBytes.addAndGet(-it.totalSize(useCas));
                    currItems.decrementAndGet();
                    return;
                }
            }
        }

        /** Removes the oldest item other than {@code keep}: expired ones always, live ones if {@code live}. */
        boolean evictTail(Item keep, boolean live) {
            Item victim = oldest;
            if (victim == keep && victim != null) {
                victim = victim.newer;
            }
            if (victim == null) {
                return false;
            }
            int now = clock.now();
            if (dead(victim, now)) {
                remove(victim);
                reclaimed.increment();
                return true;
            }
            if (!live) {
                return false;
            }
            remove(victim);
            evictions.increment();
            if (!victim.fetched()) {
                evictedUnfetched.increment();
            }
            return true;
        }

        void toFront(Item it) {
            if (newest != it) {
                unlinkLru(it);
                pushFront(it);
            }
        }

        private void pushFront(Item it) {
            it.older = newest;
            it.newer = null;
            if (newest != null) {
                newest.newer = it;
            }
            newest = it;
            if (oldest == null) {
                oldest = it;
            }
        }

        private void unlinkLru(Item it) {
            if (it.newer != null) {
                it.newer.older = it.older;
            } else {
                newest = it.older;
            }
            if (it.older != null) {
                it.older.newer = it.newer;
            } else {
                oldest = it.newer;
            }
            it.newer = null;
            it.older = null;
        }

        private void grow() {
            Item[] old = table;
            Item[] bigger = new Item[old.length * 2];
            for (Item head : old) {
                for (Item it = head; it != null; ) {
                    Item next = it.hashNext;
                    int b = hash(it.data, it.keyLength()) & (bigger.length - 1);
                    it.hashNext = bigger[b];
                    bigger[b] = it;
                    it = next;
                }
            }
            table = bigger;
        }

        void clear() {
            for (Item it = newest; it != null; it = it.older) {
                usedBytes.addAndGet(-it.totalSize(useCas));
                currItems.decrementAndGet();
            }
            table = new Item[64];
            size = 0;
            newest = null;
            oldest = null;
        }
    }
}
