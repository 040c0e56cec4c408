package io.larder.engine.set;

import io.larder.engine.keyspace.Dict;
import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Numbers;
import io.larder.engine.util.Sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A set value in one of Redis 7.2's three encodings: an intset (a sorted {@code long[]}, for sets of integers
 * as string2ll reads them), a listpack (member arrays in insertion order, searched linearly) or a hashtable
 * (a {@link Dict} keyed by member). Conversions follow Redis's setTypeAdd/setTypeCreate rules and only ever go
 * towards the hashtable.
 * <p>
 * Positions ({@link #memberAt}) are array indexes in the compact encodings and table cells in the hashtable;
 * they stay valid until the next write. Not thread-safe: the caller holds the key's stripe.
 */
public final class SetValue implements Sampling.Positioned {
    private static final int INITIAL_CAPACITY = 4;

    private long[] ints;
    private byte[][] members;
    private int size;
    private Dict table;

    /** Visits one member; returning false stops the iteration. */
    @FunctionalInterface
    public interface MemberVisitor {
        boolean visit(byte[] member);
    }

    private SetValue() {
    }

    /** An empty intset, the encoding Redis starts from when it builds a result set (SINTERSTORE, SUNION ...). */
    public static SetValue empty() {
        SetValue s = new SetValue();
        s.ints = new long[INITIAL_CAPACITY];
        return s;
    }

    /**
     * An empty set sized for {@code sizeHint} additions whose first member is {@code first} (Redis's
     * setTypeCreate): intset when that member is an integer and the hint fits, else listpack when the hint
     * fits, else hashtable.
     */
    public static SetValue create(byte[] first, long sizeHint, SetLimits limits) {
        SetValue s = new SetValue();
        if (isInteger(first) && sizeHint <= limits.maxIntsetEntries()) {
            s.ints = new long[(int) Math.max(INITIAL_CAPACITY, Math.min(sizeHint, 64))];
        } else if (sizeHint <= limits.maxListpackEntries()) {
            s.members = new byte[(int) Math.max(INITIAL_CAPACITY, sizeHint)][];
        } else {
            s.table = new Dict();
        }
        return s;
    }

    @Override
    public int size() {
        return table != null ? table.size() : size;
    }

    /** An independent set with the same members (member arrays are immutable and shared), for COPY. */
    public SetValue copy() {
        SetValue c = new SetValue();
        c.ints = ints == null ? null : ints.clone();
        c.members = members == null ? null : members.clone();
        c.size = size;
        c.table = table == null ? null : table.copy();
        return c;
    }

    /** OBJECT ENCODING's name for the current representation. */
    public String encoding() {
        return ints != null ? "intset" : members != null ? "listpack" : "hashtable";
    }

    public boolean isCompact() {
        return table == null;
    }

    /** Redis's setTypeMaybeConvert: goes to the hashtable up front when {@code sizeHint} additions would. */
    public void reserve(long sizeHint, SetLimits limits) {
        if ((members != null && sizeHint > limits.maxListpackEntries())
                || (ints != null && sizeHint > limits.maxIntsetEntries())) {
            toTable();
        }
    }

    public boolean contains(byte[] member) {
        if (ints != null) {
            return intIndex(member) >= 0;
        }
        if (members != null) {
            return indexOf(member) >= 0;
        }
        return table.find(member, hash(member)) >= 0;
    }

    /** Adds {@code member} (the array is kept, not copied); false when it was already there. */
    public boolean add(byte[] member, SetLimits limits) {
        if (ints != null) {
            long v;
            try {
                v = Numbers.parseLong(member);
            } catch (Numbers.NotANumber e) {
                leaveIntsetFor(member, limits);
                return add(member, limits);
            }
            int i = Arrays.binarySearch(ints, 0, size, v);
            if (i >= 0) {
                return false;
            }
            int at = -i - 1;
            if (size == ints.length) {
                ints = Arrays.copyOf(ints, size * 2);
            }
            System.arraycopy(ints, at, ints, at + 1, size - at);
            ints[at] = v;
            size++;
            if (size > limits.maxIntsetEntries()) {
                toTable();
            }
            return true;
        }
        if (members != null) {
            if (indexOf(member) >= 0) {
                return false;
            }
            if (size >= limits.maxListpackEntries() || member.length > limits.maxListpackValue()) {
                toTable();
                return add(member, limits);
            }
            if (size == members.length) {
                members = Arrays.copyOf(members, size * 2);
            }
            members[size++] = member;
            return true;
        }
        int hash = hash(member);
        if (table.find(member, hash) >= 0) {
            return false;
        }
        table.insert(member, hash, null, 0);
        return true;
    }

    /** Removes {@code member}; false when it was not there. */
    public boolean remove(byte[] member) {
        if (ints != null) {
            int i = intIndex(member);
            if (i < 0) {
                return false;
            }
            System.arraycopy(ints, i + 1, ints, i, size - i - 1);
            size--;
            return true;
        }
        if (members != null) {
            int i = indexOf(member);
            if (i < 0) {
                return false;
            }
            System.arraycopy(members, i + 1, members, i, size - i - 1);
            members[--size] = null;
            return true;
        }
        int cell = table.find(member, hash(member));
        if (cell < 0) {
            return false;
        }
        table.removeAt(cell);
        return true;
    }

    /**
     * Visits members in the encoding's order (ascending for an intset, insertion order for a listpack, table
     * order for a hashtable) until the visitor returns false.
     */
    public void forEach(MemberVisitor visitor) {
        if (ints != null) {
            for (int i = 0; i < size; i++) {
                if (!visitor.visit(Numbers.toBytes(ints[i]))) {
                    return;
                }
            }
        } else if (members != null) {
            for (int i = 0; i < size; i++) {
                if (!visitor.visit(members[i])) {
                    return;
                }
            }
        } else {
            table.forEach((d, cell) -> visitor.visit(d.keyAt(cell)));
        }
    }

    /** One SSCAN step over the hashtable encoding; compact encodings are visited whole with {@link #forEach}. */
    public long scanStep(long cursor, MemberVisitor visitor) {
        return table.scan(cursor, (d, cell) -> visitor.visit(d.keyAt(cell)));
    }

    public byte[] memberAt(int position) {
        if (ints != null) {
            return Numbers.toBytes(ints[position]);
        }
        return members != null ? members[position] : table.keyAt(position);
    }

    @Override
    public int randomPosition(RandomGenerator random) {
        return table != null ? table.randomCell(random) : random.nextInt(size);
    }

    @Override
    public int[] positions() {
        return table == null ? Sampling.firstPositions(size) : table.occupiedCells();
    }

    /**
     * A non-integer joins an intset: Redis moves to a listpack when every current member and the new one fit
     * its limits, else straight to the hashtable.
     */
    private void leaveIntsetFor(byte[] member, SetLimits limits) {
        long longest = size == 0 ? 0 : Math.max(digits(ints[0]), digits(ints[size - 1]));
        if (size < limits.maxListpackEntries() && member.length <= limits.maxListpackValue()
                && longest <= limits.maxListpackValue()) {
            byte[][] m = new byte[Math.max(INITIAL_CAPACITY, size + 1)][];
            for (int i = 0; i < size; i++) {
                m[i] = Numbers.toBytes(ints[i]);
            }
            members = m;
            ints = null;
        } else {
            toTable();
        }
    }

    private void toTable() {
        Dict t = new Dict();
        if (ints != null) {
            for (int i = 0; i < size; i++) {
                byte[] m = Numbers.toBytes(ints[i]);
                t.insert(m, hash(m), null, 0);
            }
        } else if (members != null) {
            for (int i = 0; i < size; i++) {
                t.insert(members[i], hash(members[i]), null, 0);
            }
        }
        table = t;
        ints = null;
        members = null;
        size = 0;
    }

    /** Where {@code member} is in the intset; negative when it is not there or is no integer. */
    private int intIndex(byte[] member) {
        long v;
        try {
            v = Numbers.parseLong(member);
        } catch (Numbers.NotANumber e) {
            return -1;
        }
        return Arrays.binarySearch(ints, 0, size, v);
    }

    private int indexOf(byte[] member) {
        return Sampling.indexOf(members, size, member);
    }

    private static boolean isInteger(byte[] member) {
        return member.length <= 20 && Numbers.isLong(member);
    }

    private static int digits(long v) {
        return Long.toString(v).length();
    }

    private static int hash(byte[] member) {
        return BytesHash.hash(BytesHash.VALUE_SEED, member);
    }
}
