package io.larder.engine.hash;

import io.larder.engine.keyspace.Dict;
import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A hash value. Small hashes are "listpack" encoded as Redis calls it: one byte array holding the entries in
 * insertion order, each a field and a value with their lengths in front (unsigned LEB128), searched linearly,
 * which is both the smallest form and fast at this size. One array instead of an array per field and value
 * saves about 16 bytes of header and padding per element (a 10-field hash of short strings: ~660 to ~270
 * bytes). Reads return copies of the bytes. Past {@link HashLimits} a hash converts (once, for good) to a
 * {@link Dict} keyed by field.
 * <p>
 * Positions ({@link #fieldAt}, {@link #valueAt}) are entry indexes in the compact form and table cells after
 * conversion; they stay valid until the next write. Not thread-safe: the caller holds the key's stripe.
 */
public final class HashValue implements Sampling.Positioned {
    private static final int INITIAL_BYTES = 32;

    /** The compact form's entries: [field length][field][value length][value]..., {@code used} bytes of it. */
    private byte[] packed = new byte[INITIAL_BYTES];
    private int used;
    private int pairs;
    private Dict table;

    /** Visits one field and its value. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(byte[] field, byte[] value);
    }

    @Override
    public int size() {
        return table == null ? pairs : table.size();
    }

    /** An independent hash with the same fields (a table's field and value arrays are immutable and shared), for COPY. */
    public HashValue copy() {
        HashValue c = new HashValue();
        c.packed = packed == null ? null : Arrays.copyOf(packed, used); // null once converted to a table
        c.used = used;
        c.pairs = pairs;
        c.table = table == null ? null : table.copy();
        return c;
    }

    /** Bytes of the compact form's array (its capacity), for memory accounting; 0 once a table. */
    public int packedCapacity() {
        return packed == null ? 0 : packed.length;
    }

    public boolean isCompact() {
        return table == null;
    }

    /** OBJECT ENCODING's name for the current representation. */
    public String encoding() {
        return table == null ? "listpack" : "hashtable";
    }

    /** The value of {@code field}, or null. */
    public byte[] get(byte[] field) {
        if (table == null) {
            int at = indexOf(field);
            return at < 0 ? null : bytesAt(skip(at));
        }
        int cell = table.find(field, BytesHash.hash(BytesHash.VALUE_SEED, field));
        return cell < 0 ? null : (byte[]) table.valueAt(cell);
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    /**
     * Sets {@code field} to {@code value} (copied into the compact form, kept as they are in a table); returns true
     * when the field is new.
     * Converts to the table encoding when either is longer than the listpack value limit or the hash grows past
     * the entry limit, as Redis's hashTypeSet does.
     */
    public boolean put(byte[] field, byte[] value, HashLimits limits) {
        if (table == null && (field.length > limits.maxListpackValue() || value.length > limits.maxListpackValue())) {
            convert();
        }
        if (table == null) {
            int at = indexOf(field);
            if (at >= 0) {
                int valueAt = skip(at);
                splice(valueAt, skip(valueAt), value); // in place: the field keeps its position, as in Redis
                return false;
            }
            splice(used, used, field);
            splice(used, used, value);
            pairs++;
            if (pairs > limits.maxListpackEntries()) {
                convert();
            }
            return true;
        }
        int hash = BytesHash.hash(BytesHash.VALUE_SEED, field);
        int cell = table.find(field, hash);
        if (cell >= 0) {
            table.setValueAt(cell, value);
            return false;
        }
        table.insert(field, hash, value, 0);
        return true;
    }

    /** Removes {@code field}; false when it was not there. */
    public boolean remove(byte[] field) {
        if (table == null) {
            int at = indexOf(field);
            if (at < 0) {
                return false;
            }
            splice(at, skip(skip(at)), null);
            pairs--;
            return true;
        }
        int cell = table.find(field, BytesHash.hash(BytesHash.VALUE_SEED, field));
        if (cell < 0) {
            return false;
        }
        table.removeAt(cell);
        return true;
    }

    /** Visits every entry: insertion order in the compact form, table order after conversion. */
    public void forEach(EntryVisitor visitor) {
        if (table == null) {
            for (int at = 0; at < used; ) {
                int valueAt = skip(at);
                visitor.visit(bytesAt(at), bytesAt(valueAt));
                at = skip(valueAt);
            }
        } else {
            table.forEach((d, cell) -> {
                visitor.visit(d.keyAt(cell), (byte[]) d.valueAt(cell));
                return true;
            });
        }
    }

    /**
     * One HSCAN step over the table encoding: visits the entries of one bucket and returns the next cursor
     * (0 when done). The compact form has no cursor; callers visit it whole with {@link #forEach}.
     */
    public long scanStep(long cursor, EntryVisitor visitor) {
        return table.scan(cursor, (d, cell) -> {
            visitor.visit(d.keyAt(cell), (byte[]) d.valueAt(cell));
            return true;
        });
    }

    public byte[] fieldAt(int position) {
        return table == null ? bytesAt(entry(position)) : table.keyAt(position);
    }

    public byte[] valueAt(int position) {
        return table == null ? bytesAt(skip(entry(position))) : (byte[]) table.valueAt(position);
    }

    @Override
    public int randomPosition(RandomGenerator random) {
        return table == null ? random.nextInt(pairs) : table.randomCell(random);
    }

    @Override
    public int[] positions() {
        return table == null ? Sampling.firstPositions(pairs) : table.occupiedCells();
    }

    /** Offset of the entry holding {@code field} in the compact form, or -1. */
    private int indexOf(byte[] field) {
        for (int at = 0; at < used; ) {
            int length = lengthAt(at);
            int start = at + lengthSize(length);
            if (length == field.length && Arrays.equals(packed, start, start + length, field, 0, length)) {
                return at;
            }
            at = skip(start + length);
        }
        return -1;
    }

    /** Offset of the {@code index}-th entry. */
    private int entry(int index) {
        int at = 0;
        for (int i = 0; i < index; i++) {
            at = skip(skip(at));
        }
        return at;
    }

    /** The offset after the length-prefixed bytes at {@code at}. */
    private int skip(int at) {
        int length = lengthAt(at);
        return at + lengthSize(length) + length;
    }

    /** A copy of the length-prefixed bytes at {@code at}. */
    private byte[] bytesAt(int at) {
        int length = lengthAt(at);
        int start = at + lengthSize(length);
        return Arrays.copyOfRange(packed, start, start + length);
    }

    private int lengthAt(int at) {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = packed[at++];
            length |= (b & 0x7f) << shift;
            if (b >= 0) {
                return length;
            }
        }
    }

    private static int lengthSize(int length) {
        int size = 1;
        while (length >= 0x80) {
            length >>>= 7;
            size++;
        }
        return size;
    }

    /** Replaces packed[from, to) by {@code bytes} with its length in front (nothing for null). */
    private void splice(int from, int to, byte[] bytes) {
        int size = bytes == null ? 0 : lengthSize(bytes.length) + bytes.length;
        int grown = used - (to - from) + size;
        if (grown > packed.length) {
            // A quarter more: few copies while a hash fills, little slack once it is full.
            packed = Arrays.copyOf(packed, Math.max(grown, packed.length + (packed.length >> 2)));
        }
        System.arraycopy(packed, to, packed, from + size, used - to);
        used = grown;
        if (bytes != null) {
            int at = from;
            for (int length = bytes.length; ; length >>>= 7) {
                if (length < 0x80) {
                    packed[at++] = (byte) length;
                    break;
                }
                packed[at++] = (byte) (length & 0x7f | 0x80);
            }
            System.arraycopy(bytes, 0, packed, at, bytes.length);
        }
    }

    private void convert() {
        Dict t = new Dict();
        forEach((field, value) -> t.insert(field, BytesHash.hash(BytesHash.VALUE_SEED, field), value, 0));
        table = t;
        packed = null;
        used = 0;
        pairs = 0;
    }
}
