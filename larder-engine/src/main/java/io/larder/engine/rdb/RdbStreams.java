package io.larder.engine.rdb;

import io.larder.engine.stream.Consumer;
import io.larder.engine.stream.ConsumerGroup;
import io.larder.engine.stream.PendingEntry;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The RDB encoding of a stream, as Redis writes it: each node as its 16-byte big-endian master ID and its
 * listpack (master entry, then entries delta-encoded against the master ID, deleted ones flagged), the
 * counters, then each consumer group with its pending entries list and its consumers.
 * <p>
 * Type 21 (Redis 7.2) is written at format version 11, type 19 (Redis 7.0: consumers without an active time)
 * below it. Types 15, 19 and 21 are read; for 15 the first ID, tombstone and read counters are derived as Redis
 * derives them.
 */
final class RdbStreams {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;
    private static final int ID_BYTES = 16;

    private RdbStreams() {
    }

    static int type(int version) {
        return version >= RdbTypes.VERSION ? RdbTypes.STREAM_LISTPACKS_3 : RdbTypes.STREAM_LISTPACKS_2;
    }

    /** The body of a stream of {@link #type}. */
    static void write(RdbOutput out, StreamValue s, int type) {
        out.writeLength(s.nodeCount());
        for (StreamValue.Node n : s.nodes()) {
            out.writeString(rawId(n.master()));
            out.writeString(listpack(n));
        }
        out.writeLength(s.length());
        writeId(out, s.lastId());
        writeId(out, s.firstId());
        writeId(out, s.maxDeletedId());
        out.writeLength(s.entriesAdded());
        out.writeLength(s.groups().size());
        for (ConsumerGroup g : s.groups().values()) {
            out.writeString(g.name());
            writeId(out, g.lastId);
            out.writeLength(g.entriesRead); // -1 (unknown) is written as 2^64-1, as Redis's unsigned length
            out.writeLength(g.pending().size());
            for (Map.Entry<StreamId, PendingEntry> e : g.pending().entrySet()) {
                out.writeBytes(rawId(e.getKey()));
                out.writeMillis(e.getValue().deliveryTime);
                out.writeLength(e.getValue().deliveryCount);
            }
            out.writeLength(g.consumers().size());
            for (Consumer c : g.consumers().values()) {
                out.writeString(c.name());
                out.writeMillis(c.seenTime);
                if (type == RdbTypes.STREAM_LISTPACKS_3) {
                    out.writeMillis(c.activeTime);
                }
                out.writeLength(c.pending().size());
                for (StreamId id : c.pending().keySet()) {
                    out.writeBytes(rawId(id));
                }
            }
        }
    }

    private static void writeId(RdbOutput out, StreamId id) {
        out.writeLength(id.ms());
        out.writeLength(id.seq());
    }

    private static byte[] rawId(StreamId id) {
        byte[] b = new byte[ID_BYTES];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (id.ms() >>> (56 - 8 * i));
            b[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
        }
        return b;
    }

    private static StreamId idOf(byte[] raw) {
        if (raw.length != ID_BYTES) {
            throw new RdbFormatException("Stream node key entry is not the size of a stream ID");
        }
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (raw[i] & 0xFF);
            seq = (seq << 8) | (raw[8 + i] & 0xFF);
        }
        return new StreamId(ms, seq);
    }

    /** The node's listpack: live count, deleted count, master fields, 0, then the entries, each with its lp-count. */
    private static byte[] listpack(StreamValue.Node n) {
        Listpack.Builder lp = new Listpack.Builder();
        byte[][] masterFields = n.masterFields();
        lp.add(n.live()).add(n.deletedCount()).add(masterFields.length);
        for (byte[] f : masterFields) {
            lp.add(f);
        }
        lp.add(0);
        StreamId master = n.master();
        for (int i = 0; i < n.size(); i++) {
            StreamId id = n.id(i);
            byte[][] fv = n.item(i);
            boolean same = n.sameFields(fv);
            lp.add((n.isDeleted(i) ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0));
            lp.add(id.ms() - master.ms()).add(id.seq() - master.seq());
            int fields = fv.length / 2;
            if (same) {
                for (int k = 1; k < fv.length; k += 2) {
                    lp.add(fv[k]);
                }
            } else {
                lp.add(fields);
                for (byte[] b : fv) {
                    lp.add(b);
                }
            }
            lp.add(same ? fields + 3 : 2L * fields + 4);
        }
        return lp.finish();
    }

    /** A stream of type 15, 19 or 21 (never null: an empty stream is a key, with its groups). */
    static StreamValue read(RdbInput in, int type) {
        StreamValue s = new StreamValue();
        int nodes = in.readSize();
        StreamId previous = null;
        for (int i = 0; i < nodes; i++) {
            StreamId master = idOf(in.readString());
            if (previous != null && master.compareTo(previous) <= 0) {
                throw new RdbFormatException("Listpack re-added with existing key");
            }
            previous = master;
            readNode(s, master, in.readString());
        }
        long length = in.readUnsignedLength();
        StreamId last = readId(in);
        if (type == RdbTypes.STREAM_LISTPACKS) {
            s.loadedCounters(length, last, null, StreamId.MIN, length);
        } else {
            StreamId first = readId(in);
            StreamId maxDeleted = readId(in);
            s.loadedCounters(length, last, first, maxDeleted, in.readUnsignedLength());
        }
        long groups = in.readLength();
        for (long g = 0; g < groups; g++) {
            readGroup(in, type, s);
        }
        return s;
    }

    private static StreamId readId(RdbInput in) {
        return new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
    }

    private static void readGroup(RdbInput in, int type, StreamValue s) {
        byte[] name = in.readString();
        StreamId lastId = readId(in);
        long entriesRead = type == RdbTypes.STREAM_LISTPACKS ? s.estimateEntriesRead(lastId) : in.readUnsignedLength();
        ConsumerGroup group = s.createGroup(name, lastId, entriesRead);
        if (group == null) {
            throw new RdbFormatException("Duplicated consumer group name");
        }
        long pel = in.readLength();
        for (long i = 0; i < pel; i++) {
            StreamId id = idOf(in.readBytes(ID_BYTES));
            PendingEntry p = new PendingEntry(null, in.readLittleEndian(8), in.readUnsignedLength());
            if (group.pending().putIfAbsent(id, p) != null) {
                throw new RdbFormatException("Duplicated global PEL entry loading stream consumer group");
            }
        }
        long consumers = in.readLength();
        for (long c = 0; c < consumers; c++) {
            byte[] consumerName = in.readString();
            long seen = in.readLittleEndian(8);
            Consumer consumer = group.createConsumer(consumerName, seen);
            if (consumer == null) {
                throw new RdbFormatException("Duplicate stream consumer detected.");
            }
            // Before type 21 there was no active time: Redis takes the seen time as the best estimate.
            consumer.activeTime = type == RdbTypes.STREAM_LISTPACKS_3 ? in.readLittleEndian(8) : seen;
            long owned = in.readLength();
            for (long i = 0; i < owned; i++) {
                StreamId id = idOf(in.readBytes(ID_BYTES));
                PendingEntry p = group.pending().get(id);
                if (p == null) {
                    throw new RdbFormatException("Consumer entry not found in group global PEL");
                }
                if (consumer.pending().putIfAbsent(id, p) != null) {
                    throw new RdbFormatException("Duplicated consumer PEL entry loading a stream consumer group");
                }
                p.consumer = consumer;
            }
        }
    }

    private static void readNode(StreamValue s, StreamId master, byte[] blob) {
        List<byte[]> e = new ArrayList<>();
        Listpack.forEach(blob, e::add);
        if (e.isEmpty()) {
            throw new RdbFormatException("Empty listpack inside stream");
        }
        try {
            int p = 0;
            long live = number(e.get(p++));
            long deleted = number(e.get(p++));
            int masterCount = (int) number(e.get(p++));
            byte[][] masterFields = new byte[masterCount][];
            for (int i = 0; i < masterCount; i++) {
                masterFields[i] = e.get(p++);
            }
            if (number(e.get(p++)) != 0) {
                throw new RdbFormatException("Stream listpack integrity check failed.");
            }
            long seenLive = 0;
            long seenDeleted = 0;
            while (p < e.size()) {
                int flags = (int) number(e.get(p++));
                StreamId id = new StreamId(master.ms() + number(e.get(p++)), master.seq() + number(e.get(p++)));
                byte[][] fv;
                if ((flags & FLAG_SAMEFIELDS) != 0) {
                    fv = new byte[2 * masterCount][];
                    for (int i = 0; i < masterCount; i++) {
                        fv[2 * i] = masterFields[i];
                        fv[2 * i + 1] = e.get(p++);
                    }
                } else {
                    int fields = (int) number(e.get(p++));
                    if (fields < 0) {
                        throw new RdbFormatException("Stream listpack integrity check failed.");
                    }
                    fv = new byte[2 * fields][];
                    for (int i = 0; i < fv.length; i++) {
                        fv[i] = e.get(p++);
                    }
                }
                p++; // lp-count, for walking backwards
                boolean isDeleted = (flags & FLAG_DELETED) != 0;
                if (isDeleted) {
                    seenDeleted++;
                } else {
                    seenLive++;
                }
                s.loadEntry(master, masterFields, id, fv, isDeleted);
            }
            if (p != e.size() || seenLive != live || seenDeleted != deleted || seenLive + seenDeleted == 0) {
                throw new RdbFormatException("Stream listpack integrity check failed.");
            }
        } catch (IndexOutOfBoundsException | NegativeArraySizeException ex) {
            throw new RdbFormatException("Stream listpack integrity check failed.");
        }
    }

    private static long number(byte[] element) {
        long v = RdbTypes.parseCanonicalLong(element, 0, element.length);
        if (v == RdbTypes.NOT_A_LONG && !Long.toString(Long.MIN_VALUE).equals(new String(element,
                java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new RdbFormatException("Stream listpack integrity check failed.");
        }
        return v;
    }
}
