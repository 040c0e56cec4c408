package io.larder.engine.keyspace;

import java.util.Arrays;

/**
 * The key table of one hash slot in one database: open addressing with linear probing in parallel arrays,
 * so an entry costs four array cells and no node object.
 * <p>
 * Deletion shifts later entries back instead of leaving tombstones, which keeps the invariant that every
 * key sits in the run of occupied cells that starts at its home bucket ({@code hash & mask}). That makes
 * Redis's reverse-binary SCAN cursor work unchanged: a cursor names a home bucket, and a call returns all
 * keys whose home is that bucket, so a full iteration sees every key that was present throughout, across
 * any number of resizes.
 * <p>
 * Not thread-safe: the caller holds the lock of the slot's stripe.
 */
public final class Dict {
    private static final int MIN_CAPACITY = 4;
    private static final long NO_EXPIRY = 0;

    private int[] hashes;
    private byte[][] keys;
    private Object[] values;
    /** Absolute expiry in unix milliseconds; allocated on the first key given a TTL. */
    private long[] expires;
    /** Access clock per key (LRU seconds or LFU counter), for OBJECT IDLETIME/FREQ and eviction. */
    private int[] access;
    private int mask;
    private int size;
    private int volatileCount;

    public Dict() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        hashes = new int[capacity];
        keys = new byte[capacity][];
        values = new Object[capacity];
        access = new int[capacity];
        expires = volatileCount > 0 ? new long[capacity] : null;
        mask = capacity - 1;
    }

    public int size() {
        return size;
    }

    /** Keys in this table that carry a TTL. */
    public int volatileCount() {
        return volatileCount;
    }

    public int capacity() {
        return mask + 1;
    }

    /** Cell index of {@code key}, or -1. */
    public int find(byte[] key, int hash) {
        int i = hash & mask;
        while (true) {
            byte[] k = keys[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == hash && Arrays.equals(k, key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    public byte[] keyAt(int index) {
        return keys[index];
    }

    public Object valueAt(int index) {
        return values[index];
    }

    public void setValueAt(int index, Object value) {
        values[index] = value;
    }

    public long expiryAt(int index) {
        return expires == null ? NO_EXPIRY : expires[index];
    }

    public int accessAt(int index) {
        return access[index];
    }

    public void setAccessAt(int index, int clock) {
        access[index] = clock;
    }

    /** Sets or (with 0) clears the key's absolute expiry time in milliseconds. */
    public void setExpiryAt(int index, long unixMillis) {
        if (expires == null) {
            if (unixMillis == NO_EXPIRY) {
                return;
            }
            expires = new long[mask + 1];
        }
        long before = expires[index];
        if (before == NO_EXPIRY && unixMillis != NO_EXPIRY) {
            volatileCount++;
        } else if (before != NO_EXPIRY && unixMillis == NO_EXPIRY) {
            volatileCount--;
        }
        expires[index] = unixMillis;
    }

    /** Inserts a key known to be absent; returns its cell index (valid until the next insert or remove). */
    public int insert(byte[] key, int hash, Object value, int clock) {
        if ((size + 1) * 4 > (mask + 1) * 3) {
            resize((mask + 1) * 2);
        }
        int i = hash & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        hashes[i] = hash;
        keys[i] = key;
        values[i] = value;
        access[i] = clock;
        size++;
        return i;
    }

    /** Removes the entry at {@code index}, shifting later entries of the same run back into the gap. */
    public void removeAt(int index) {
        if (expires != null && expires[index] != NO_EXPIRY) {
            volatileCount--;
        }
        int gap = index;
        int j = index;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == null) {
                break;
            }
            int home = hashes[j] & mask;
            // Entry j may move into the gap only if its home is not cyclically inside (gap, j].
            boolean homeAfterGap = gap <= j ? (gap < home && home <= j) : (gap < home || home <= j);
            if (!homeAfterGap) {
                move(j, gap);
                gap = j;
            }
        }
        clear(gap);
        size--;
        if (size * 8 < mask + 1 && mask + 1 > MIN_CAPACITY) {
            resize(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(size, 1) * 2) * 2));
        }
    }

    private void move(int from, int to) {
        hashes[to] = hashes[from];
        keys[to] = keys[from];
        values[to] = values[from];
        access[to] = access[from];
        if (expires != null) {
            expires[to] = expires[from];
        }
    }

    private void clear(int i) {
        keys[i] = null;
        values[i] = null;
        hashes[i] = 0;
        access[i] = 0;
        if (expires != null) {
            expires[i] = NO_EXPIRY;
        }
    }

    private void resize(int capacity) {
        int[] oldHashes = hashes;
        byte[][] oldKeys = keys;
        Object[] oldValues = values;
        long[] oldExpires = expires;
        int[] oldAccess = access;
        allocate(capacity);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int j = oldHashes[i] & mask;
                while (keys[j] != null) {
                    j = (j + 1) & mask;
                }
                hashes[j] = oldHashes[i];
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
                access[j] = oldAccess[i];
                if (oldExpires != null && expires != null) {
                    expires[j] = oldExpires[i];
                }
            }
        }
    }

    /** Visits occupied cells in index order; stops early when the visitor returns false. */
    public void forEach(CellVisitor visitor) {
        for (int i = 0; i <= mask; i++) {
            if (keys[i] != null && !visitor.visit(this, i)) {
                return;
            }
        }
    }

    /** A cell index chosen at random among occupied cells (biased by run lengths, as Redis's is), or -1. */
    public int randomCell(java.util.random.RandomGenerator random) {
        if (size == 0) {
            return -1;
        }
        int i = random.nextInt(mask + 1);
        while (keys[i] == null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /**
     * One SCAN step: visits every key whose home bucket is {@code cursor & mask} and returns the next cursor
     * in reverse-binary order, 0 when the table has been covered.
     */
    public long scan(long cursor, CellVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        int bucket = (int) (cursor & mask);
        int i = bucket;
        while (keys[i] != null) {
            if ((hashes[i] & mask) == bucket) {
                visitor.visit(this, i);
            }
            i = (i + 1) & mask;
        }
        long v = cursor | ~(long) mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }

    @FunctionalInterface
    public interface CellVisitor {
        boolean visit(Dict dict, int index);
    }
}
