package io.larder.engine.stream;

import java.util.Arrays;

/**
 * One node of a stream, as Redis keeps a listpack per radix-tree node: entries in ID order, deleted ones
 * flagged but still present, and the encoded size the listpack would have. The first entry's fields are the
 * node's "master fields"; entries with the same fields are stored without them, as Redis does.
 */
final class StreamNode implements StreamValue.Node {
    final StreamId master;
    private final byte[][] masterFields;
    private final long masterFieldsBytes;
    private long[] ms = new long[4];
    private long[] seq = new long[4];
    private byte[][][] items = new byte[4][][];
    private boolean[] deleted = new boolean[4];
    private int size;
    private int live;
    private int deletedCount;
    private long entriesBytes;

    StreamNode(StreamId master, byte[][] fieldValues) {
        this.master = master;
        this.masterFields = new byte[fieldValues.length / 2][];
        long bytes = 0;
        for (int i = 0; i < masterFields.length; i++) {
            masterFields[i] = fieldValues[2 * i];
            bytes += Listpacks.elementSize(masterFields[i]);
        }
        this.masterFieldsBytes = bytes;
    }

    /** A node as RDB stores it: its master fields given as they are. */
    static StreamNode withMasterFields(StreamId master, byte[][] masterFields) {
        long bytes = 0;
        for (byte[] f : masterFields) {
            bytes += Listpacks.elementSize(f);
        }
        return new StreamNode(master, masterFields, bytes);
    }

    /** A copy sharing the immutable field and value arrays. */
    StreamNode copy() {
        StreamNode n = new StreamNode(master, masterFields, masterFieldsBytes);
        n.ms = ms.clone();
        n.seq = seq.clone();
        n.items = items.clone();
        n.deleted = deleted.clone();
        n.size = size;
        n.live = live;
        n.deletedCount = deletedCount;
        n.entriesBytes = entriesBytes;
        return n;
    }

    private StreamNode(StreamId master, byte[][] masterFields, long masterFieldsBytes) {
        this.master = master;
        this.masterFields = masterFields;
        this.masterFieldsBytes = masterFieldsBytes;
    }

    /** lpBytes of the node's listpack: header, master entry (count, deleted, fields, terminator), entries. */
    long bytes() {
        return Listpacks.OVERHEAD + Listpacks.intSize(live) + Listpacks.intSize(deletedCount)
                + Listpacks.intSize(masterFields.length) + masterFieldsBytes + Listpacks.intSize(0) + entriesBytes;
    }

    /** Entries the listpack holds, deleted ones included (what stream-node-max-entries counts). */
    int slots() {
        return size;
    }

    @Override
    public int live() {
        return live;
    }

    @Override
    public int deletedCount() {
        return deletedCount;
    }

    @Override
    public StreamId master() {
        return master;
    }

    @Override
    public byte[][] masterFields() {
        return masterFields;
    }

    void append(StreamId id, byte[][] fieldValues) {
        if (size == ms.length) {
            int n = size * 2;
            ms = Arrays.copyOf(ms, n);
            seq = Arrays.copyOf(seq, n);
            items = Arrays.copyOf(items, n);
            deleted = Arrays.copyOf(deleted, n);
        }
        ms[size] = id.ms();
        seq[size] = id.seq();
        items[size] = fieldValues;
        size++;
        live++;
        int fields = fieldValues.length / 2;
        boolean same = sameFields(fieldValues);
        long bytes = 2 + Listpacks.intSize(id.ms() - master.ms()) + Listpacks.intSize(id.seq() - master.seq());
        if (same) {
            for (int i = 1; i < fieldValues.length; i += 2) {
                bytes += Listpacks.elementSize(fieldValues[i]);
            }
        } else {
            bytes += Listpacks.intSize(fields);
            for (byte[] b : fieldValues) {
                bytes += Listpacks.elementSize(b);
            }
        }
        bytes += Listpacks.intSize(fields + 3 + (same ? 0 : fields + 1));
        entriesBytes += bytes;
    }

    @Override
    public boolean sameFields(byte[][] fieldValues) {
        if (fieldValues.length / 2 != masterFields.length) {
            return false;
        }
        for (int i = 0; i < masterFields.length; i++) {
            if (!Arrays.equals(masterFields[i], fieldValues[2 * i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public StreamId id(int i) {
        return new StreamId(ms[i], seq[i]);
    }

    @Override
    public boolean isDeleted(int i) {
        return deleted[i];
    }

    /** The entry's fields and values; a deleted entry keeps them, as its bytes stay in Redis's listpack. */
    @Override
    public byte[][] item(int i) {
        return items[i];
    }

    /** Marks entry {@code i} deleted (it keeps its bytes, as in Redis, so RDB writes the node as Redis does). */
    void markDeleted(int i) {
        deleted[i] = true;
        live--;
        deletedCount++;
    }

    /** The last entry's ID, deleted or not (what Redis reads from the listpack's tail). */
    StreamId lastId() {
        return id(size - 1);
    }

    /** Index of the first entry with an ID >= {@code id}; {@code size()} when none. */
    int lowerBound(StreamId id) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(ms[mid], id.ms());
            if (c == 0) {
                c = Long.compareUnsigned(seq[mid], id.seq());
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the live entry with this ID, or -1. */
    int find(StreamId id) {
        int i = lowerBound(id);
        return i < size && ms[i] == id.ms() && seq[i] == id.seq() && !deleted[i] ? i : -1;
    }
}
