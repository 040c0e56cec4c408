package io.larder.engine.keyspace;

import io.larder.engine.memory.Footprint;

import java.util.function.Consumer;

/**
 * One numbered database. Every method that takes a key expects the caller to hold that key's stripe lock;
 * methods over the whole database expect every stripe.
 */
public final class Db {
    private final Keyspace keyspace;
    private final int index;
    private Dict[] slots = new Dict[HashSlot.COUNT];
    /** Key count per stripe, written under that stripe's lock, summed for DBSIZE. */
    private long[] stripeSizes = new long[Keyspace.STRIPES];
    /** Keys with a TTL per stripe, so the active expire cycle skips stripes that have none. */
    private long[] stripeVolatile = new long[Keyspace.STRIPES];
    /** Accounted bytes (tables, keys, values) per stripe; every change is also added to the keyspace's total. */
    private long[] stripeBytes = new long[Keyspace.STRIPES];

    Db(Keyspace keyspace, int index) {
        this.keyspace = keyspace;
        this.index = index;
    }

    public int index() {
        return index;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /** The value of a live key, or null; a key found expired is deleted on the way. Updates the access clock. */
    public Object get(byte[] key) {
        return get(key, true);
    }

    public Object get(byte[] key, boolean touch) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        if (i < 0) {
            return null;
        }
        if (touch && !keyspace.touchSuppressed()) {
            touch(dict, i);
        }
        return dict.valueAt(i);
    }

    /** True when the key exists and has not expired (does not touch the access clock). */
    public boolean exists(byte[] key) {
        return get(key, false) != null;
    }

    /** Sets the value and drops any TTL, like SET without KEEPTTL. */
    public void put(byte[] key, Object value) {
        put(key, value, 0, false);
    }

    /**
     * Sets the value. With {@code keepTtl} an existing key keeps its expiry; otherwise the expiry becomes
     * {@code expireAt} (unix ms, 0 for none).
     */
    public void put(byte[] key, Object value, long expireAt, boolean keepTtl) {
        store(key, value, expireAt, keepTtl);
    }

    /**
     * Adds a key read from a snapshot (RDB load, DEBUG RELOAD) unless the key is already stored (expired or
     * not): one lookup for the duplicate check and the insert, and the listener is not told it was created, as
     * Redis's dbAddRDBLoad sends no "new" event. Returns false, storing nothing, for a duplicate.
     * {@code slot} is the key's {@link HashSlot#of}, which the caller computed to lock its stripe.
     */
    public boolean addLoaded(int slot, byte[] key, Object value, long expireAt) {
        Dict dict = dictForWrite(slot);
        int hash = keyspace.hash(key);
        if (dict.find(key, hash) >= 0) {
            return false;
        }
        long tableBefore = Footprint.table(dict);
        int i = dict.insert(key, hash, value, keyspace.newEntryClock());
        stripeSizes[Keyspace.stripeOf(slot)]++;
        dict.setCostAt(i, Footprint.entry(key, value, Keyspace.random()));
        account(slot, dict.costAt(i) + Footprint.table(dict) - tableBefore);
        if (expireAt != 0) {
            setExpiry(dict, i, slot, expireAt);
        }
        return true;
    }

    private void store(byte[] key, Object value, long expireAt, boolean keepTtl) {
        int slot = HashSlot.of(key);
        Dict dict = dictForWrite(slot);
        int hash = keyspace.hash(key);
        int i = dict.find(key, hash);
        if (i >= 0 && expiredAt(dict, i) && !keyspace.primaryApplying()) {
            deleteExpired(dict, i, slot);
            i = -1;
        }
        long cost = Footprint.entry(key, value, Keyspace.random());
        if (i < 0) {
            long tableBefore = Footprint.table(dict);
            i = dict.insert(key, hash, value, keyspace.newEntryClock());
            stripeSizes[Keyspace.stripeOf(slot)]++;
            dict.setCostAt(i, cost);
            account(slot, dict.costAt(i) + Footprint.table(dict) - tableBefore);
            setExpiry(dict, i, slot, expireAt);
            keyspace.listener().created(this, key);
        } else {
            dict.setValueAt(i, value);
            touch(dict, i);
            recordCost(dict, i, slot, cost);
            if (!keepTtl) {
                setExpiry(dict, i, slot, expireAt);
            }
        }
    }

    /**
     * Prices the key's value again after a command changed it in place (HSET on an existing hash, APPEND ...);
     * does nothing when the key is not stored. Does not expire the key or touch its access clock.
     */
    public void recost(byte[] key) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        if (dict == null) {
            return;
        }
        int i = dict.find(key, keyspace.hash(key));
        if (i >= 0 && Footprint.repriceAfterWrite(dict.valueAt(i))) {
            recordCost(dict, i, slot, Footprint.entry(key, dict.valueAt(i), Keyspace.random()));
        }
    }

    /** Accounted bytes of a stored key with its value, or -1 (MEMORY USAGE prices its own way). */
    public long cost(byte[] key) {
        Dict dict = slots[HashSlot.of(key)];
        int i = dict == null ? -1 : dict.find(key, keyspace.hash(key));
        return i < 0 ? -1 : dict.costAt(i);
    }

    private void recordCost(Dict dict, int i, int slot, long cost) {
        long before = dict.costAt(i);
        dict.setCostAt(i, cost);
        account(slot, dict.costAt(i) - before);
    }

    private void account(int slot, long delta) {
        if (delta != 0) {
            stripeBytes[Keyspace.stripeOf(slot)] += delta;
            keyspace.account(delta);
        }
    }

    private void touch(Dict dict, int i) {
        dict.setAccessAt(i, keyspace.touchedClock(dict.accessAt(i)));
    }

    /** Deletes a live key; false when there was none. */
    public boolean delete(byte[] key) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        if (i < 0) {
            return false;
        }
        removeAt(dict, i, slot);
        return true;
    }

    /** The key's absolute expiry in unix ms, 0 when it has none, -1 when the key does not exist. */
    public long expiry(byte[] key) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        return i < 0 ? -1 : dict.expiryAt(i);
    }

    /** Sets (or with 0 removes) the expiry of a live key; false when the key does not exist. */
    public boolean expire(byte[] key, long expireAt) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        if (i < 0) {
            return false;
        }
        setExpiry(dict, i, slot, expireAt);
        return true;
    }

    /**
     * Tells the keyspace's listener that a command modified the key (Redis's signalModifiedKey). Every write
     * path calls it once the key's value, TTL or existence actually changed, and not when nothing changed.
     * Also prices the key's value again for the memory accounting, since commands change values in place.
     */
    public void signalModified(byte[] key) {
        keyspace.countChange();
        recost(key);
        if (keyspace.wantsModifications()) {
            keyspace.listener().modified(this, key);
        }
    }

    /** True when the key is stored, expired or not (does not delete it: WATCH must see expired keys as such). */
    public boolean stored(byte[] key) {
        Dict dict = slots[HashSlot.of(key)];
        return dict != null && dict.find(key, keyspace.hash(key)) >= 0;
    }

    /** True when the key is stored but its TTL has passed; the key is left in place (Redis's keyIsExpired). */
    public boolean storedExpired(byte[] key) {
        Dict dict = slots[HashSlot.of(key)];
        if (dict == null) {
            return false;
        }
        int i = dict.find(key, keyspace.hash(key));
        return i >= 0 && expiredAt(dict, i);
    }

    /** Access clock of a live key (LRU seconds or LFU counter), or -1. */
    public int accessClock(byte[] key) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        return i < 0 ? -1 : dict.accessAt(i);
    }

    /** Sets the access clock of a live key (RESTORE IDLETIME); false when the key does not exist. */
    public boolean setAccessClock(byte[] key, int clock) {
        int slot = HashSlot.of(key);
        Dict dict = slots[slot];
        int i = liveCell(dict, slot, key);
        if (i < 0) {
            return false;
        }
        dict.setAccessAt(i, clock);
        return true;
    }

    /** Cell of {@code key} in its slot's table if the key is live; an expired key is deleted on the way. */
    private int liveCell(Dict dict, int slot, byte[] key) {
        if (dict == null) {
            return -1;
        }
        int i = dict.find(key, keyspace.hash(key));
        if (i >= 0 && expiredAt(dict, i)) {
            if (keyspace.expiriesFromPrimary()) {
                return keyspace.primaryApplying() ? i : -1; // the primary's DEL will remove it
            }
            deleteExpired(dict, i, slot);
            return -1;
        }
        return i;
    }

    /** Number of keys, counting ones that expired but were not yet removed, as Redis's DBSIZE does. */
    public long size() {
        long total = 0;
        for (long n : stripeSizes) {
            total += n;
        }
        return total;
    }

    /** Keys with a TTL (the {@code expires=} figure of INFO keyspace). */
    public long volatileSize() {
        long total = 0;
        for (long n : stripeVolatile) {
            total += n;
        }
        return total;
    }

    /**
     * True when the stripe may hold keys with a TTL in this database. Read without the stripe's lock by the
     * active expire cycle, which only uses it to skip work.
     */
    public boolean stripeHasVolatile(int stripe) {
        return stripeVolatile[stripe] != 0;
    }

    /** The table of one slot, or null when the slot never held a key in this database. */
    public Dict slot(int slot) {
        return slots[slot];
    }

    public int keysInSlot(int slot) {
        Dict d = slots[slot];
        return d == null ? 0 : d.size();
    }

    /** Removes expired keys of one slot; the caller holds its stripe. Returns how many were removed. */
    public int expireSlot(int slot, long now) {
        ExpiryTally tally = new ExpiryTally();
        expireCells(slot, 0, Integer.MAX_VALUE, now, tally);
        return tally.expired;
    }

    /**
     * Examines up to {@code maxCells} cells of one slot's table starting at cell {@code from}, deleting the
     * expired keys it meets; the caller holds the slot's stripe. Returns the cell to continue from, or -1 when
     * the end of the table was reached. A resize between calls only makes the walk revisit or miss some cells,
     * which a later pass (or lazy expiry on access) makes up for.
     */
    public int expireCells(int slot, int from, int maxCells, long now, ExpiryTally tally) {
        Dict dict = slots[slot];
        if (dict == null || dict.volatileCount() == 0) {
            return -1;
        }
        int i = from;
        for (int visited = 0; visited < maxCells; visited++) {
            if (i >= dict.capacity()) {
                return -1;
            }
            if (dict.keyAt(i) != null) {
                long at = dict.expiryAt(i);
                if (at != 0) {
                    tally.examined++;
                    if (at <= now) {
                        deleteExpired(dict, i, slot);
                        tally.expired++;
                        continue; // backward shift may have moved another entry into cell i
                    }
                }
            }
            i++;
        }
        return i < dict.capacity() ? i : -1;
    }

    /** What an expiry pass looked at: keys with a TTL examined, and how many of them had expired. */
    public static final class ExpiryTally {
        public int examined;
        public int expired;
    }

    /**
     * A live key chosen at random, weighted by the number of keys per stripe and slot, or null when the
     * database is empty; the caller holds every stripe. Expired keys met on the way are removed, together with
     * the rest of their slot's expired keys, so that a database full of stale keys still ends quickly.
     */
    public byte[] randomKey() {
        var random = Keyspace.random();
        long now = keyspace.clock().millis();
        int triesOnReplica = 100;
        while (true) {
            long total = size();
            if (total == 0) {
                return null;
            }
            long r = random.nextLong(total);
            int stripe = 0;
            while (r >= stripeSizes[stripe]) {
                r -= stripeSizes[stripe];
                stripe++;
            }
            int slot = stripe;
            while (r >= keysInSlot(slot)) {
                r -= keysInSlot(slot);
                slot += Keyspace.STRIPES;
            }
            Dict dict = slots[slot];
            int i = dict.randomCell(random);
            long at = dict.expiryAt(i);
            if (at == 0 || at > now) {
                return dict.keyAt(i);
            }
            if (keyspace.expiriesFromPrimary()) {
                // A replica keeps expired keys: after enough draws of them one is returned, as Redis does.
                if (--triesOnReplica == 0) {
                    return dict.keyAt(i);
                }
                continue;
            }
            expireSlot(slot, now); // removes at least the key just drawn
        }
    }

    /** Visits the live keys of one slot; the caller holds its stripe. */
    public void forEachLiveKey(int slot, long now, Consumer<byte[]> action) {
        Dict dict = slots[slot];
        if (dict == null) {
            return;
        }
        dict.forEach((d, i) -> {
            long at = d.expiryAt(i);
            if (at == 0 || at > now) {
                action.accept(d.keyAt(i));
            }
            return true;
        });
    }

    boolean expiredAt(Dict dict, int i) {
        long at = dict.expiryAt(i);
        return at != 0 && at <= keyspace.clock().millis();
    }

    private void deleteExpired(Dict dict, int i, int slot) {
        byte[] key = dict.keyAt(i);
        removeAt(dict, i, slot);
        keyspace.listener().expired(this, key);
        signalModified(key);
    }

    private void removeAt(Dict dict, int i, int slot) {
        int stripe = Keyspace.stripeOf(slot);
        if (dict.expiryAt(i) != 0) {
            stripeVolatile[stripe]--;
        }
        long freed = dict.costAt(i) + Footprint.table(dict);
        dict.removeAt(i);
        stripeSizes[stripe]--;
        account(slot, Footprint.table(dict) - freed);
    }

    private void setExpiry(Dict dict, int i, int slot, long expireAt) {
        boolean before = dict.expiryAt(i) != 0;
        long tableBefore = Footprint.table(dict);
        dict.setExpiryAt(i, expireAt);
        account(slot, Footprint.table(dict) - tableBefore);
        boolean after = expireAt != 0;
        if (before != after) {
            stripeVolatile[Keyspace.stripeOf(slot)] += after ? 1 : -1;
        }
    }

    private Dict dictForWrite(int slot) {
        Dict dict = slots[slot];
        if (dict == null) {
            dict = new Dict();
            slots[slot] = dict;
            account(slot, Footprint.table(dict));
        }
        return dict;
    }

    /** Accounted bytes of this database's keys, values and tables (summed over stripes, racy by design). */
    public long accountedBytes() {
        long total = 0;
        for (long n : stripeBytes) {
            total += n;
        }
        return total;
    }

    void clear() {
        keyspace.account(-accountedBytes());
        slots = new Dict[HashSlot.COUNT];
        stripeSizes = new long[Keyspace.STRIPES];
        stripeVolatile = new long[Keyspace.STRIPES];
        stripeBytes = new long[Keyspace.STRIPES];
    }

    void swapContents(Db other) {
        Dict[] s = slots;
        slots = other.slots;
        other.slots = s;
        long[] sizes = stripeSizes;
        stripeSizes = other.stripeSizes;
        other.stripeSizes = sizes;
        long[] volatiles = stripeVolatile;
        stripeVolatile = other.stripeVolatile;
        other.stripeVolatile = volatiles;
        long[] bytes = stripeBytes;
        stripeBytes = other.stripeBytes;
        other.stripeBytes = bytes;
    }
}
