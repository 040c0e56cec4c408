package io.larder.engine.stream;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream: entries ordered by ID in nodes shaped like Redis's listpacks (so trimming with {@code ~} stops
 * where Redis's does), the counters Redis 7 keeps (last ID, first ID, entries added, maximal deleted ID), and
 * the consumer groups in name order.
 */
public final class StreamValue {
    /** Redis's STREAM_LISTPACK_MAX_SIZE: the node size limit when stream-node-max-bytes is 0 or above it. */
    private static final long LISTPACK_MAX_SIZE = 1L << 30;

    /** Visits an entry; returns false to stop. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(StreamId id, byte[][] fieldValues);
    }

    /** A node as RDB reads and writes it: Redis's listpack of entries with its master ID and fields. */
    public interface Node {
        StreamId master();

        byte[][] masterFields();

        /** Entries, deleted ones included. */
        int size();

        int live();

        int deletedCount();

        StreamId id(int i);

        boolean isDeleted(int i);

        byte[][] item(int i);

        /** Whether an entry with these fields and values is stored without its fields (Redis's SAMEFIELDS). */
        boolean sameFields(byte[][] fieldValues);
    }

    private final TreeMap<StreamId, StreamNode> nodes = new TreeMap<>();
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private final TreeMap<byte[], ConsumerGroup> groups = new TreeMap<>(Arrays::compareUnsigned);

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** XSETID: the caller has checked the values against the stream. */
    public void setCounters(StreamId last, long added, StreamId maxDeleted) {
        this.lastId = last;
        this.entriesAdded = added;
        this.maxDeletedId = maxDeleted;
    }

    /** The nodes in ID order. */
    public java.util.Collection<? extends Node> nodes() {
        return nodes.values();
    }

    /**
     * Loading (RDB): appends an entry to the node keyed {@code master}, created with {@code masterFields} when it
     * is new; entries come in ID order. The counters are set afterwards with {@link #loadedCounters}.
     */
    public void loadEntry(StreamId master, byte[][] masterFields, StreamId id, byte[][] fieldValues, boolean deleted) {
        StreamNode node = nodes.get(master);
        if (node == null) {
            node = StreamNode.withMasterFields(master, masterFields);
            nodes.put(master, node);
        }
        node.append(id, fieldValues);
        if (deleted) {
            node.markDeleted(node.size() - 1);
        }
    }

    /**
     * Loading (RDB): the counters as stored; a null {@code first} is found from the entries (older formats), and
     * is the largest ID when there is none, as Redis's streamGetEdgeID leaves it.
     */
    public void loadedCounters(long length, StreamId last, StreamId first, StreamId maxDeleted, long added) {
        this.length = length;
        this.lastId = last;
        this.maxDeletedId = maxDeleted;
        this.entriesAdded = added;
        this.firstId = first != null ? first : length == 0 ? StreamId.MAX : firstValidId();
    }

    /** Number of listpack nodes (XINFO STREAM radix-tree-keys). */
    public int nodeCount() {
        return nodes.size();
    }

    /**
     * Nodes of the radix tree Redis would key these listpacks by (XINFO STREAM radix-tree-nodes): the root, each
     * 16-byte key, each prefix where keys branch and each branch's children; a compressed node spans the rest.
     */
    public int radixTreeNodes() {
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        prefixes.add("");
        byte[] previous = null;
        for (StreamId id : nodes.keySet()) {
            byte[] key = radixKey(id);
            prefixes.add(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (previous != null) {
                int lcp = 0;
                while (previous[lcp] == key[lcp]) {
                    lcp++;
                }
                prefixes.add(new String(key, 0, lcp, java.nio.charset.StandardCharsets.ISO_8859_1));
                prefixes.add(new String(previous, 0, lcp + 1, java.nio.charset.StandardCharsets.ISO_8859_1));
                prefixes.add(new String(key, 0, lcp + 1, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            previous = key;
        }
        return prefixes.size();
    }

    private static byte[] radixKey(StreamId id) {
        return java.nio.ByteBuffer.allocate(16).putLong(id.ms()).putLong(id.seq()).array();
    }

    /**
     * Appends an entry with an ID greater than {@link #lastId()} (checked by the caller): into the last node, or
     * a new one when that would pass {@code maxBytes} (0: unlimited) or {@code maxEntries} (0: unlimited).
     */
    public void append(StreamId id, byte[][] fieldValues, long maxBytes, long maxEntries) {
        Map.Entry<StreamId, StreamNode> tail = nodes.lastEntry();
        StreamNode node = tail == null ? null : tail.getValue();
        if (node != null) {
            long limit = maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
            long total = 0;
            for (byte[] b : fieldValues) {
                total += b.length;
            }
            if (node.bytes() + total >= limit || (maxEntries != 0 && node.slots() >= maxEntries)) {
                node = null;
            }
        }
        if (node == null) {
            node = new StreamNode(id, fieldValues);
            nodes.put(id, node);
        }
        node.append(id, fieldValues);
        if (length == 0) {
            firstId = id;
        }
        length++;
        entriesAdded++;
        lastId = id;
    }

    /** The fields and values of the entry with this ID, or null. */
    public byte[][] get(StreamId id) {
        Map.Entry<StreamId, StreamNode> e = nodes.floorEntry(id);
        if (e == null) {
            return null;
        }
        int i = e.getValue().find(id);
        return i < 0 ? null : e.getValue().item(i);
    }

    /**
     * Deletes one entry (XDEL); false when there is none with that ID. The maximal deleted ID and the first ID
     * follow, as Redis's XDEL keeps them.
     */
    public boolean delete(StreamId id) {
        Map.Entry<StreamId, StreamNode> e = nodes.floorEntry(id);
        if (e == null) {
            return false;
        }
        StreamNode node = e.getValue();
        int i = node.find(id);
        if (i < 0) {
            return false;
        }
        if (node.live() == 1) {
            nodes.remove(e.getKey());
        } else {
            node.markDeleted(i);
        }
        length--;
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        if (length == 0) {
            firstId = StreamId.MIN;
        } else if (id.equals(firstId)) {
            firstId = firstValidId();
        }
        return true;
    }

    /** The first live entry's ID (length > 0). */
    public StreamId firstValidId() {
        StreamId[] found = new StreamId[1];
        range(StreamId.MIN, StreamId.MAX, false, (id, fv) -> {
            found[0] = id;
            return false;
        });
        return found[0];
    }

    /** The last live entry's ID, or 0-0 when empty (Redis's streamLastValidID). */
    public StreamId lastValidId() {
        StreamId[] found = {StreamId.MIN};
        range(StreamId.MIN, StreamId.MAX, true, (id, fv) -> {
            found[0] = id;
            return false;
        });
        return found[0];
    }

    /** Visits the live entries with IDs in [start, end], forwards or backwards. */
    public void range(StreamId start, StreamId end, boolean reverse, EntryVisitor visitor) {
        if (start.compareTo(end) > 0 || nodes.isEmpty()) {
            return;
        }
        if (!reverse) {
            StreamId from = nodes.floorKey(start);
            for (StreamNode node : (from == null ? nodes : nodes.tailMap(from, true)).values()) {
                if (node.master.compareTo(end) > 0) {
                    return;
                }
                for (int i = node.lowerBound(start); i < node.size(); i++) {
                    StreamId id = node.id(i);
                    if (id.compareTo(end) > 0) {
                        return;
                    }
                    if (!node.isDeleted(i) && !visitor.visit(id, node.item(i))) {
                        return;
                    }
                }
            }
        } else {
            for (StreamNode node : nodes.headMap(end, true).descendingMap().values()) {
                int i = node.lowerBound(end);
                if (i == node.size() || node.id(i).compareTo(end) > 0) {
                    i--;
                }
                for (; i >= 0; i--) {
                    StreamId id = node.id(i);
                    if (id.compareTo(start) < 0) {
                        return;
                    }
                    if (!node.isDeleted(i) && !visitor.visit(id, node.item(i))) {
                        return;
                    }
                }
            }
        }
    }

    /** How XADD/XTRIM trim: by length or by minimal ID. */
    public enum TrimStrategy { MAXLEN, MINID }

    /**
     * Redis's streamTrim: removes whole nodes from the head while they fall entirely outside the bound; then,
     * unless {@code approximate}, marks entries of the next node deleted. {@code limit} (0: none) caps the
     * entries removed in whole nodes. Returns the number of entries removed.
     */
    public long trim(TrimStrategy strategy, long maxLength, StreamId minId, boolean approximate, long limit) {
        long removed = 0;
        Iterator<StreamNode> it = nodes.values().iterator();
        while (it.hasNext()) {
            if (strategy == TrimStrategy.MAXLEN && length <= maxLength) {
                break;
            }
            StreamNode node = it.next();
            long entries = node.live();
            if (limit != 0 && removed + entries > limit) {
                break;
            }
            boolean removeNode = strategy == TrimStrategy.MAXLEN
                    ? length - entries >= maxLength
                    : node.lastId().compareTo(minId) < 0;
            if (removeNode) {
                it.remove();
                length -= entries;
                removed += entries;
                continue;
            }
            if (approximate) {
                break;
            }
            for (int i = 0; i < node.size(); i++) {
                boolean stop = strategy == TrimStrategy.MAXLEN
                        ? length <= maxLength
                        : node.id(i).compareTo(minId) >= 0;
                if (stop) {
                    break;
                }
                if (!node.isDeleted(i)) {
                    node.markDeleted(i);
                    length--;
                    removed++;
                }
            }
            break;
        }
        if (length == 0) {
            firstId = StreamId.MIN;
        } else {
            firstId = firstValidId();
        }
        return removed;
    }

    // ---- consumer groups

    public TreeMap<byte[], ConsumerGroup> groups() {
        return groups;
    }

    public ConsumerGroup group(byte[] name) {
        return groups.get(name);
    }

    /** Creates a group; null when one of that name exists. */
    public ConsumerGroup createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        if (groups.containsKey(name)) {
            return null;
        }
        ConsumerGroup g = new ConsumerGroup(name, lastDelivered, entriesRead);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups.remove(name) != null;
    }

    /** Whether a deleted entry may lie in [start, end] (null: open), Redis's streamRangeHasTombstones. */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /**
     * The logical read counter of {@code id} (how many entries were added up to it), or -1 when it cannot be
     * known: Redis's streamEstimateDistanceFromFirstEverEntry, with the tombstone fix of Redis 7.2.7.
     */
    public long estimateEntriesRead(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        if (!id.isZero() && id.compareTo(maxDeletedId) < 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ; // a tombstone lies between id and the last ID
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return ConsumerGroup.INVALID_ENTRIES_READ;
    }

    /**
     * A group's lag (entries not yet delivered to it), or null when it cannot be known; Redis 7.2.7's
     * streamReplyWithCGLag (an emptied stream, or a group and all tombstones behind the first entry, are exact).
     */
    public Long lag(ConsumerGroup g) {
        if (entriesAdded == 0 || length == 0) {
            return 0L;
        }
        if (g.lastId.compareTo(firstId) < 0 && maxDeletedId.compareTo(firstId) < 0) {
            return length;
        }
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateEntriesRead(g.lastId);
        return read == ConsumerGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    /**
     * Moves a group's last delivered ID forward over an entry it delivers, keeping its read counter: counted on
     * while nothing was trimmed or deleted past the group's position, else estimated again.
     */
    public void delivered(ConsumerGroup g, StreamId id) {
        if (id.compareTo(g.lastId) <= 0) {
            return;
        }
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && g.lastId.compareTo(firstId) >= 0
                && !rangeHasTombstones(g.lastId, null)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = estimateEntriesRead(id);
        }
        g.lastId = id;
    }

    /** A deep copy (COPY): entries share their immutable arrays, groups are duplicated. */
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        nodes.forEach((k, n) -> s.nodes.put(k, n.copy()));
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        groups.forEach((k, g) -> s.groups.put(k, g.copy()));
        return s;
    }
}
