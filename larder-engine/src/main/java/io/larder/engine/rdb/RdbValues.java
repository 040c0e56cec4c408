package io.larder.engine.rdb;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.hash.HashValue;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetLimits;
import io.larder.engine.set.SetValue;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.DoubleFormat;
import io.larder.engine.util.Numbers;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RDB encoding of one value (type byte + body), shared by RDB files and DUMP payloads.
 * <p>
 * Values are written in the encoding Redis 7.2 uses for the same representation: strings as strings, lists as
 * quicklist 2 (listpack nodes), intsets, listpack hashes, sets and sorted sets as listpacks, large ones as plain
 * element lists (sorted sets with binary scores), streams as {@link RdbStreams}. At format version 10 (Redis 7.0)
 * a listpack set is written as a plain set and a stream as type 19, the encodings 7.0 knows. Values are read
 * from every encoding of versions 1 to 11 except module types, and built with the node's encoding limits, as
 * Redis converts on load.
 */
public final class RdbValues {
    /** Bytes per quicklist node written (Redis's default list-max-listpack-size -2). */
    private static final int LIST_NODE_BYTES = 8192;

    /** The node's encoding thresholds, which decide the representation of loaded values. */
    public record Limits(HashLimits hash, SetLimits set, ZSetLimits zset, int listFill) {
    }

    private RdbValues() {
    }

    /**
     * Writes the type byte, then {@code key} when it is not null (an RDB file's entry; a DUMP payload has none),
     * then the body of {@code value}.
     */
    public static void write(RdbOutput out, byte[] key, Object value, int version) {
        switch (value) {
            case HashValue h -> writeHash(out, key, h);
            case SetValue s -> writeSet(out, key, s, version);
            case ListValue l -> writeList(out, key, l);
            case ZSetValue z -> writeZSet(out, key, z);
            case StreamValue st -> {
                int type = RdbStreams.type(version);
                start(out, type, key);
                RdbStreams.write(out, st, type);
            }
            default -> {
                if (!StringValues.isString(value)) {
                    throw new IllegalArgumentException("no RDB encoding for " + value.getClass().getName());
                }
                start(out, RdbTypes.STRING, key);
                out.writeString(StringValues.array(value), 0, StringValues.length(value));
            }
        }
    }

    private static void start(RdbOutput out, int type, byte[] key) {
        out.writeByte(type);
        if (key != null) {
            out.writeString(key);
        }
    }

    private static void writeHash(RdbOutput out, byte[] key, HashValue h) {
        if (h.isCompact()) {
            Listpack.Builder lp = new Listpack.Builder();
            h.forEach((f, v) -> lp.add(f).add(v));
            start(out, RdbTypes.HASH_LISTPACK, key);
            out.writeString(lp.finish());
            return;
        }
        start(out, RdbTypes.HASH, key);
        out.writeLength(h.size());
        h.forEach((f, v) -> {
            out.writeString(f);
            out.writeString(v);
        });
    }

    private static void writeSet(RdbOutput out, byte[] key, SetValue s, int version) {
        switch (s.encoding()) {
            case "intset" -> {
                long[] ints = new long[s.size()];
                int[] n = {0};
                s.forEach(m -> {
                    ints[n[0]++] = Long.parseLong(new String(m, StandardCharsets.US_ASCII));
                    return true;
                });
                start(out, RdbTypes.SET_INTSET, key);
                out.writeString(OldEncodings.intset(ints, n[0]));
            }
            case "listpack" -> {
                if (version >= RdbTypes.VERSION) {
                    Listpack.Builder lp = new Listpack.Builder();
                    s.forEach(m -> {
                        lp.add(m);
                        return true;
                    });
                    start(out, RdbTypes.SET_LISTPACK, key);
                    out.writeString(lp.finish());
                } else {
                    writePlainSet(out, key, s);
                }
            }
            default -> writePlainSet(out, key, s);
        }
    }

    private static void writePlainSet(RdbOutput out, byte[] key, SetValue s) {
        start(out, RdbTypes.SET, key);
        out.writeLength(s.size());
        s.forEach(m -> {
            out.writeString(m);
            return true;
        });
    }

    /** Quicklist 2: listpack nodes of about {@link #LIST_NODE_BYTES} each. */
    private static void writeList(RdbOutput out, byte[] key, ListValue l) {
        List<byte[]> nodes = new ArrayList<>();
        Listpack.Builder[] current = {new Listpack.Builder()};
        long[] bytes = {0};
        int[] count = {0};
        l.forEach(0, false, e -> {
            if (count[0] > 0 && bytes[0] + e.length > LIST_NODE_BYTES) {
                nodes.add(current[0].finish());
                current[0] = new Listpack.Builder();
                bytes[0] = 0;
                count[0] = 0;
            }
            current[0].add(e);
            bytes[0] += e.length + 2;
            count[0]++;
            return true;
        });
        if (count[0] > 0) {
            nodes.add(current[0].finish());
        }
        start(out, RdbTypes.LIST_QUICKLIST_2, key);
        out.writeLength(nodes.size());
        for (byte[] node : nodes) {
            out.writeLength(RdbTypes.QUICKLIST_NODE_PACKED);
            out.writeString(node);
        }
    }

    private static void writeZSet(RdbOutput out, byte[] key, ZSetValue z) {
        if (z.isCompact()) {
            Listpack.Builder lp = new Listpack.Builder();
            z.forEach((m, score) -> {
                lp.add(m).add(scoreText(score));
                return true;
            });
            start(out, RdbTypes.ZSET_LISTPACK, key);
            out.writeString(lp.finish());
            return;
        }
        start(out, RdbTypes.ZSET_2, key);
        out.writeLength(z.size());
        // highest first, as Redis writes it, so a loader inserting at the head builds the list in order
        z.visit(0, z.size() - 1, true, (m, score) -> {
            out.writeString(m);
            out.writeBinaryDouble(score);
            return true;
        });
    }

    private static byte[] scoreText(double score) {
        return DoubleFormat.shortest(score).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the body of a value of {@code type}; null for an empty collection, which Redis skips on load and
     * RESTORE refuses.
     */
    public static Object read(RdbInput in, int type, Limits limits) {
        return switch (type) {
            case RdbTypes.STRING -> in.readString();
            case RdbTypes.LIST -> {
                int n = in.readSize();
                List<byte[]> items = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    items.add(in.readString());
                }
                yield list(items, limits);
            }
            case RdbTypes.LIST_ZIPLIST -> {
                List<byte[]> items = new ArrayList<>();
                OldEncodings.forEachZiplistEntry(in.readString(), items::add);
                yield list(items, limits);
            }
            case RdbTypes.LIST_QUICKLIST, RdbTypes.LIST_QUICKLIST_2 -> readQuicklist(in, type, limits);
            case RdbTypes.SET -> {
                int n = in.readSize();
                List<byte[]> members = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    members.add(in.readString());
                }
                yield set(members, limits);
            }
            case RdbTypes.SET_INTSET -> {
                long[] ints = OldEncodings.intsetValues(in.readString());
                List<byte[]> members = new ArrayList<>(ints.length);
                for (int i = 0; i < ints.length; i++) {
                    if (i > 0 && ints[i] <= ints[i - 1]) {
                        throw new RdbFormatException("Intset integrity check failed");
                    }
                    members.add(Numbers.toBytes(ints[i]));
                }
                yield set(members, limits);
            }
            case RdbTypes.SET_LISTPACK -> {
                List<byte[]> members = new ArrayList<>();
                Listpack.forEach(in.readString(), members::add);
                yield set(members, limits);
            }
            case RdbTypes.ZSET, RdbTypes.ZSET_2 -> {
                int n = in.readSize();
                List<byte[]> members = new ArrayList<>(Math.min(n, 1024));
                double[] scores = new double[Math.min(n, 1024)];
                for (int i = 0; i < n; i++) {
                    members.add(in.readString());
                    if (i == scores.length) {
                        scores = Arrays.copyOf(scores, Math.min(n, scores.length * 2));
                    }
                    scores[i] = type == RdbTypes.ZSET_2 ? in.readBinaryDouble() : in.readStringDouble();
                }
                yield zset(members, scores, limits);
            }
            case RdbTypes.ZSET_LISTPACK -> zsetFromListpack(in.readString(), limits);
            case RdbTypes.ZSET_ZIPLIST -> {
                List<byte[]> flat = new ArrayList<>();
                OldEncodings.forEachZiplistEntry(in.readString(), flat::add);
                if (flat.size() % 2 != 0) {
                    throw new RdbFormatException("Zset listpack integrity check failed");
                }
                List<byte[]> members = new ArrayList<>(flat.size() / 2);
                double[] scores = new double[flat.size() / 2];
                for (int i = 0; i < flat.size(); i += 2) {
                    members.add(flat.get(i));
                    scores[i / 2] = parseScore(flat.get(i + 1));
                }
                yield zset(members, scores, limits);
            }
            case RdbTypes.HASH -> {
                int n = in.readSize();
                List<byte[]> flat = new ArrayList<>(Math.min(n, 1024) * 2);
                for (int i = 0; i < n; i++) {
                    flat.add(in.readString());
                    flat.add(in.readString());
                }
                yield hash(flat, limits);
            }
            case RdbTypes.HASH_LISTPACK -> hashFromListpack(in.readString(), limits);
            case RdbTypes.HASH_ZIPMAP, RdbTypes.HASH_ZIPLIST -> {
                List<byte[]> flat = new ArrayList<>();
                byte[] blob = in.readString();
                if (type == RdbTypes.HASH_ZIPMAP) {
                    OldEncodings.forEachZipmapEntry(blob, flat::add);
                } else {
                    OldEncodings.forEachZiplistEntry(blob, flat::add);
                }
                if (flat.size() % 2 != 0) {
                    throw new RdbFormatException("Hash listpack integrity check failed");
                }
                yield hash(flat, limits);
            }
            case RdbTypes.STREAM_LISTPACKS, RdbTypes.STREAM_LISTPACKS_2, RdbTypes.STREAM_LISTPACKS_3 ->
                    RdbStreams.read(in, type);
            case RdbTypes.MODULE_PRE_GA, RdbTypes.MODULE_2 ->
                    throw new RdbFormatException("Module values are not supported by Larder");
            default -> throw new RdbFormatException("Unknown RDB encoding type " + type);
        };
    }

    /** A listpack hash (Redis 7's form of every small hash) put pair by pair as it is read, no list between. */
    private static HashValue hashFromListpack(byte[] blob, Limits limits) {
        HashValue h = new HashValue();
        byte[][] field = {null};
        Listpack.forEach(blob, element -> {
            if (field[0] == null) {
                field[0] = element;
            } else {
                if (!h.put(field[0], element, limits.hash())) {
                    throw new RdbFormatException("Duplicate hash fields detected");
                }
                field[0] = null;
            }
        });
        if (field[0] != null) {
            throw new RdbFormatException("Hash listpack integrity check failed");
        }
        return h.size() == 0 ? null : h;
    }

    /**
     * A listpack sorted set: member, score, member, score ... An integer score (the listpack's own integer
     * encoding) is taken as it is, only a string score is parsed.
     */
    private static ZSetValue zsetFromListpack(byte[] blob, Limits limits) {
        List<byte[]> members = new ArrayList<>();
        double[][] scores = {new double[8]};
        int entries = Listpack.forEachEntry(blob, new Listpack.EntryVisitor() {
            private int n;

            @Override
            public void string(byte[] lp, int offset, int length) {
                byte[] text = Listpack.slice(lp, offset, length);
                if (n++ % 2 == 0) {
                    members.add(text);
                } else {
                    score(parseScore(text));
                }
            }

            @Override
            public void integer(long value) {
                if (n++ % 2 == 0) {
                    members.add(Listpack.ascii(value));
                } else {
                    score(value);
                }
            }

            private void score(double score) {
                int at = members.size() - 1;
                if (at == scores[0].length) {
                    scores[0] = Arrays.copyOf(scores[0], at * 2);
                }
                scores[0][at] = score;
            }
        });
        if (entries % 2 != 0) {
            throw new RdbFormatException("Zset listpack integrity check failed");
        }
        return zset(members, scores[0], limits);
    }

    private static Object readQuicklist(RdbInput in, int type, Limits limits) {
        int nodes = in.readSize();
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int container = RdbTypes.QUICKLIST_NODE_PACKED;
            if (type == RdbTypes.LIST_QUICKLIST_2) {
                container = (int) in.readLength();
                if (container != RdbTypes.QUICKLIST_NODE_PACKED && container != RdbTypes.QUICKLIST_NODE_PLAIN) {
                    throw new RdbFormatException("Quicklist integrity check failed");
                }
            }
            byte[] blob = in.readString();
            if (container == RdbTypes.QUICKLIST_NODE_PLAIN) {
                items.add(blob);
            } else if (type == RdbTypes.LIST_QUICKLIST_2) {
                Listpack.forEach(blob, items::add);
            } else {
                OldEncodings.forEachZiplistEntry(blob, items::add);
            }
        }
        return list(items, limits);
    }

    private static double parseScore(byte[] text) {
        try {
            return Numbers.parseDouble(text);
        } catch (Numbers.NotANumber e) {
            throw new RdbFormatException("Zset with a bad score");
        }
    }

    private static ListValue list(List<byte[]> items, Limits limits) {
        if (items.isEmpty()) {
            return null;
        }
        ListValue l = new ListValue();
        for (byte[] e : items) {
            l.growing(e, limits.listFill());
            l.pushLast(e, limits.listFill());
        }
        return l;
    }

    private static SetValue set(List<byte[]> members, Limits limits) {
        if (members.isEmpty()) {
            return null;
        }
        SetValue s = SetValue.create(members.get(0), members.size(), limits.set());
        for (byte[] m : members) {
            if (!s.add(m, limits.set())) {
                throw new RdbFormatException("Duplicate set members detected");
            }
        }
        return s;
    }

    private static ZSetValue zset(List<byte[]> members, double[] scores, Limits limits) {
        if (members.isEmpty()) {
            return null;
        }
        long longest = 0;
        for (byte[] m : members) {
            longest = Math.max(longest, m.length);
        }
        ZSetValue z = ZSetValue.create(members.size(), longest, limits.zset());
        for (int i = 0; i < members.size(); i++) {
            if (Double.isNaN(scores[i])) {
                throw new RdbFormatException("Zset with NAN score detected");
            }
            if (!Double.isNaN(z.score(members.get(i)))) {
                throw new RdbFormatException("Duplicate zset fields detected");
            }
            z.put(members.get(i), scores[i], limits.zset());
        }
        return z;
    }

    private static HashValue hash(List<byte[]> flat, Limits limits) {
        if (flat.isEmpty()) {
            return null;
        }
        HashValue h = new HashValue();
        for (int i = 0; i < flat.size(); i += 2) {
            if (!h.put(flat.get(i), flat.get(i + 1), limits.hash())) {
                throw new RdbFormatException("Duplicate hash fields detected");
            }
        }
        return h;
    }
}
