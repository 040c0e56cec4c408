package io.larder.engine.zset;

import io.larder.engine.keyspace.Dict;
import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A sorted set in one of Redis's two encodings. Small sets are a "listpack": members and scores in parallel
 * arrays kept in order (score, then member bytes unsigned), searched by binary search on the order and linearly
 * by member. Beyond zset-max-listpack-entries / -value they become a "skiplist": a {@link SkipList} with spans
 * for rank operations plus a {@link Dict} from member to its node for O(1) score lookups. Conversion only goes
 * towards the skiplist, as in Redis (stored results are built in the encoding their size calls for).
 * <p>
 * Everything positional is by 0-based rank in ascending order. Scores are never NaN, so {@link #score} answers
 * NaN for a missing member. Not thread-safe: the caller holds the key's stripe.
 */
public final class ZSetValue implements Sampling.Positioned {
    private static final int INITIAL_CAPACITY = 4;

    private byte[][] members;
    private double[] scores;
    private int size;
    private SkipList list;
    private Dict dict;

    /** Visits one element; returning false stops the iteration. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(byte[] member, double score);
    }

    private ZSetValue() {
    }

    /**
     * An empty set for about {@code sizeHint} members, the longest {@code longestMember} bytes (Redis's
     * zsetTypeCreate): a listpack when that fits the limits, else a skiplist.
     */
    public static ZSetValue create(long sizeHint, long longestMember, ZSetLimits limits) {
        ZSetValue z = new ZSetValue();
        if (limits.fitsListpack(sizeHint, longestMember)) {
            int capacity = (int) Math.max(INITIAL_CAPACITY, Math.min(sizeHint, limits.maxListpackEntries()));
            z.members = new byte[capacity][];
            z.scores = new double[capacity];
        } else {
            z.list = new SkipList();
            z.dict = new Dict();
        }
        return z;
    }

    @Override
    public int size() {
        return list != null ? list.length() : size;
    }

    public String encoding() {
        return list != null ? "skiplist" : "listpack";
    }

    public boolean isCompact() {
        return list == null;
    }

    /** An independent copy (member arrays are immutable and shared), for COPY. */
    public ZSetValue copy() {
        ZSetValue c = new ZSetValue();
        if (list == null) {
            c.members = members.clone();
            c.scores = scores.clone();
            c.size = size;
        } else {
            c.list = new SkipList();
            c.dict = new Dict();
            for (SkipList.Node n = list.first(); n != null; n = n.next()) {
                c.dict.insert(n.member, hash(n.member), c.list.insert(n.score, n.member), 0);
            }
        }
        return c;
    }

    /** Redis's zsetTypeMaybeConvert: goes to the skiplist up front when {@code sizeHint} additions would. */
    public void reserve(long sizeHint, ZSetLimits limits) {
        if (list == null && sizeHint > limits.maxListpackEntries()) {
            toSkipList();
        }
    }

    /** The score of {@code member}, NaN when absent. */
    public double score(byte[] member) {
        if (list == null) {
            int i = indexOf(member);
            return i < 0 ? Double.NaN : scores[i];
        }
        int cell = dict.find(member, hash(member));
        return cell < 0 ? Double.NaN : ((SkipList.Node) dict.valueAt(cell)).score;
    }

    /**
     * Sets {@code member}'s score, inserting it when absent (the array is kept, not copied); converts to the
     * skiplist first when the insertion would leave the listpack limits. {@code score} must not be NaN.
     */
    public void put(byte[] member, double score, ZSetLimits limits) {
        if (list == null) {
            int i = indexOf(member);
            if (i >= 0) {
                if (scores[i] == score) {
                    return;
                }
                removeAt(i);
            } else if (size + 1 > limits.maxListpackEntries() || member.length > limits.maxListpackValue()) {
                toSkipList();
                put(member, score, limits);
                return;
            }
            insertAt(insertionPoint(score, member), member, score);
            return;
        }
        int h = hash(member);
        int cell = dict.find(member, h);
        if (cell < 0) {
            dict.insert(member, h, list.insert(score, member), 0);
            return;
        }
        SkipList.Node node = (SkipList.Node) dict.valueAt(cell);
        if (node.score != score) {
            list.updateScore(node, score);
        }
    }

    /** Removes {@code member}; false when it was not there. */
    public boolean remove(byte[] member) {
        if (list == null) {
            int i = indexOf(member);
            if (i < 0) {
                return false;
            }
            removeAt(i);
            return true;
        }
        int cell = dict.find(member, hash(member));
        if (cell < 0) {
            return false;
        }
        list.delete((SkipList.Node) dict.valueAt(cell));
        dict.removeAt(cell);
        return true;
    }

    /** The 0-based ascending rank of {@code member}, -1 when absent. */
    public long rank(byte[] member) {
        if (list == null) {
            return indexOf(member);
        }
        int cell = dict.find(member, hash(member));
        if (cell < 0) {
            return -1;
        }
        SkipList.Node node = (SkipList.Node) dict.valueAt(cell);
        return list.rankOf(node.score, node.member) - 1;
    }

    /** How many elements score below {@code score} ({@code orEqual}: at most {@code score}). */
    public int countByScore(double score, boolean orEqual) {
        if (list != null) {
            return list.countByScore(score, orEqual);
        }
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (orEqual ? scores[mid] <= score : scores[mid] < score) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * How many elements have a member below {@code member} ({@code orEqual}: at most), comparing members only:
     * meaningful when all scores are equal, as Redis's lex ranges assume.
     */
    public int countByMember(byte[] member, boolean orEqual) {
        if (list != null) {
            return list.countByMember(member, orEqual);
        }
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (SkipList.belowMember(members[mid], member, orEqual)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Visits the elements of ranks {@code from..to} (inclusive, within bounds) in ascending order, or descending
     * from {@code to} when {@code reverse}, until the visitor returns false.
     */
    public void visit(int from, int to, boolean reverse, EntryVisitor visitor) {
        if (from > to) {
            return;
        }
        if (list == null) {
            if (reverse) {
                for (int i = to; i >= from; i--) {
                    if (!visitor.visit(members[i], scores[i])) {
                        return;
                    }
                }
            } else {
                for (int i = from; i <= to; i++) {
                    if (!visitor.visit(members[i], scores[i])) {
                        return;
                    }
                }
            }
            return;
        }
        SkipList.Node n = list.byRank((reverse ? to : from) + 1);
        for (int left = to - from + 1; n != null && left > 0; left--) {
            if (!visitor.visit(n.member, n.score)) {
                return;
            }
            n = reverse ? n.backward : n.next();
        }
    }

    public void forEach(EntryVisitor visitor) {
        visit(0, size() - 1, false, visitor);
    }

    /** One ZSCAN step over the skiplist's member table; listpacks are visited whole with {@link #forEach}. */
    public long scanStep(long cursor, EntryVisitor visitor) {
        return dict.scan(cursor, (d, cell) -> {
            SkipList.Node n = (SkipList.Node) d.valueAt(cell);
            return visitor.visit(n.member, n.score);
        });
    }

    // Positions for random picks: ranks in a listpack, member-table cells in a skiplist.

    @Override
    public int randomPosition(RandomGenerator random) {
        return list != null ? dict.randomCell(random) : random.nextInt(size);
    }

    @Override
    public int[] positions() {
        return list == null ? Sampling.firstPositions(size) : dict.occupiedCells();
    }

    public byte[] memberAt(int position) {
        return list != null ? dict.keyAt(position) : members[position];
    }

    public double scoreAt(int position) {
        return list != null ? ((SkipList.Node) dict.valueAt(position)).score : scores[position];
    }

    private void toSkipList() {
        SkipList l = new SkipList();
        Dict d = new Dict();
        for (int i = 0; i < size; i++) {
            d.insert(members[i], hash(members[i]), l.insert(scores[i], members[i]), 0);
        }
        list = l;
        dict = d;
        members = null;
        scores = null;
        size = 0;
    }

    private int indexOf(byte[] member) {
        return Sampling.indexOf(members, size, member);
    }

    private int insertionPoint(double score, byte[] member) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (SkipList.compare(scores[mid], members[mid], score, member) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insertAt(int at, byte[] member, double score) {
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
            scores = Arrays.copyOf(scores, size * 2);
        }
        System.arraycopy(members, at, members, at + 1, size - at);
        System.arraycopy(scores, at, scores, at + 1, size - at);
        members[at] = member;
        scores[at] = score;
        size++;
    }

    private void removeAt(int i) {
        System.arraycopy(members, i + 1, members, i, size - i - 1);
        System.arraycopy(scores, i + 1, scores, i, size - i - 1);
        members[--size] = null;
    }

    private static int hash(byte[] member) {
        return BytesHash.hash(BytesHash.VALUE_SEED, member);
    }
}
