package io.larder.engine.keyspace;

import java.util.Arrays;

/**
 * The key table of one hash slot in one database: open addressing with linear probing over two arrays (a
 * {@code long} of hash and access clock per cell, and key and value side by side), so an entry costs 16 bytes
 * of table and no node object, and a lookup touches as few cache lines as Redis's dict does.
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
    private static final long HASH_BITS = 0xFFFF_FFFFL;
    /** Set in the meta word of every occupied cell, so probes find empty cells without touching the entries. */
    private static final long OCCUPIED = 1L << 63;
    private static final int CLOCK_BITS = 0x7FFF_FFFF;

    /**
     * Per cell: the key's hash in the low 32 bits, its access clock (LRU seconds or LFU counter, at most 31 bits)
     * above it and the occupied bit on top; 0 for an empty cell. A probe, a miss and the access update of a read
     * all stay within this array.
     */
    private long[] meta;
    /** Key of cell i at 2i, its value at 2i+1: the key compare and the value load share a cache line. */
    private Object[] entries;
    /** Absolute expiry in unix milliseconds; allocated on the first key given a TTL. */
    private long[] expires;
    /**
     * Accounted bytes of each cell's key and value, in units of 8 (sizes are 8-byte aligned); allocated by the
     * first {@link #setCostAt}, so only keyspace tables carry it, not the tables inside collection values.
     */
    private int[] costs;
    private int mask;
    private int size;
    private int volatileCount;

    public Dict() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        meta = new long[capacity];
        entries = new Object[capacity * 2];
        expires = volatileCount > 0 ? new long[capacity] : null;
        costs = costs == null ? null : new int[capacity];
        mask = capacity - 1;
    }

    public int size() {
        return size;
    }

    /** An independent table with the same entries (keys and values are shared, so they must be immutable). */
    public Dict copy() {
        Dict c = new Dict();
        c.meta = meta.clone();
        c.entries = entries.clone();
        c.expires = expires == null ? null : expires.clone();
        c.costs = costs == null ? null : costs.clone();
        c.mask = mask;
        c.size = size;
        c.volatileCount = volatileCount;
        return c;
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
            long m = meta[i];
            if (m == 0) {
                return -1;
            }
            if ((int) m == hash && Arrays.equals((byte[]) entries[i << 1], key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    public byte[] keyAt(int index) {
        return (byte[]) entries[index << 1];
    }

    public Object valueAt(int index) {
        return entries[(index << 1) + 1];
    }

    public void setValueAt(int index, Object value) {
        entries[(index << 1) + 1] = value;
    }

    /** Bytes accounted to the key and value at {@code index}. */
    public long costAt(int index) {
        return costs == null ? 0 : (long) costs[index] << 3;
    }

    /** Records the bytes of the cell's key and value (a multiple of 8; saturates at 16 GiB). */
    public void setCostAt(int index, long bytes) {
        if (costs == null) {
            costs = new int[mask + 1];
        }
        costs[index] = (int) Math.min(Integer.MAX_VALUE, bytes >>> 3);
    }

    /** True once a key of this table was given a TTL (the expiry array exists). */
    public boolean hasExpiryArray() {
        return expires != null;
    }

    /** True when this table records per-cell costs (a keyspace table). */
    public boolean hasCostArray() {
        return costs != null;
    }

    public long expiryAt(int index) {
        return expires == null ? NO_EXPIRY : expires[index];
    }

    public int accessAt(int index) {
        return (int) (meta[index] >>> 32) & CLOCK_BITS;
    }

    public void setAccessAt(int index, int clock) {
        meta[index] = OCCUPIED | ((long) (clock & CLOCK_BITS) << 32) | (meta[index] & HASH_BITS);
    }

    private int hashAt(int index) {
        return (int) meta[index];
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
        while (meta[i] != 0) {
            i = (i + 1) & mask;
        }
        meta[i] = OCCUPIED | ((long) (clock & CLOCK_BITS) << 32) | (hash & HASH_BITS);
        entries[i << 1] = key;
        entries[(i << 1) + 1] = value;
        if (costs != null) {
            costs[i] = 0;
        }
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
            if (meta[j] == 0) {
                break;
            }
            int home = hashAt(j) & mask;
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
        meta[to] = meta[from];
        entries[to << 1] = entries[from << 1];
        entries[(to << 1) + 1] = entries[(from << 1) + 1];
        if (costs != null) {
            costs[to] = costs[from];
        }
        if (expires != null) {
            expires[to] = expires[from];
        }
    }

    private void clear(int i) {
        entries[i << 1] = null;
        entries[(i << 1) + 1] = null;
        meta[i] = 0;
        if (costs != null) {
            costs[i] = 0;
        }
        if (expires != null) {
            expires[i] = NO_EXPIRY;
        }
    }

    private void resize(int capacity) {
        long[] oldMeta = meta;
        Object[] oldEntries = entries;
        long[] oldExpires = expires;
        int[] oldCosts = costs;
        allocate(capacity);
        for (int i = 0; i < oldMeta.length; i++) {
            if (oldMeta[i] != 0) {
                int j = (int) oldMeta[i] & mask;
                while (meta[j] != 0) {
                    j = (j + 1) & mask;
                }
                meta[j] = oldMeta[i];
                entries[j << 1] = oldEntries[i << 1];
                entries[(j << 1) + 1] = oldEntries[(i << 1) + 1];
                if (oldCosts != null) {
                    costs[j] = oldCosts[i];
                }
                if (oldExpires != null && expires != null) {
                    expires[j] = oldExpires[i];
                }
            }
        }
    }

    /** Indexes of the occupied cells, in index order (positions for random sampling). */
    public int[] occupiedCells() {
        int[] cells = new int[size];
        int n = 0;
        for (int i = 0; i <= mask; i++) {
            if (meta[i] != 0) {
                cells[n++] = i;
            }
        }
        return cells;
    }

    /** Visits occupied cells in index order; stops early when the visitor returns false. */
    public void forEach(CellVisitor visitor) {
        for (int i = 0; i <= mask; i++) {
            if (meta[i] != 0 && !visitor.visit(this, i)) {
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
        while (meta[i] == 0) {
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
        while (meta[i] != 0) {
            if ((hashAt(i) & mask) == bucket) {
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
