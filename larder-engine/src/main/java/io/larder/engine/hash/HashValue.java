package io.larder.engine.hash;

import io.larder.engine.keyspace.Dict;
import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A hash value. Small hashes are "listpack" encoded as Redis calls it: one flat array of alternating field and
 * value arrays in insertion order, searched linearly, which is both the smallest form and fast at this size.
 * Past {@link HashLimits} a hash converts (once, for good) to a {@link Dict} keyed by field.
 * <p>
 * Positions ({@link #fieldAt}, {@link #valueAt}) are pair indexes in the compact form and table cells after
 * conversion; they stay valid until the next write. Not thread-safe: the caller holds the key's stripe.
 */
public final class HashValue implements Sampling.Positioned {
    private static final int INITIAL_PAIRS = 4;

    private byte[][] flat = new byte[INITIAL_PAIRS * 2][];
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

    /** An independent hash with the same fields (field and value arrays are immutable and shared), for COPY. */
    public HashValue copy() {
        HashValue c = new HashValue();
        c.flat = flat == null ? null : flat.clone(); // null once converted to a table
        c.pairs = pairs;
        c.table = table == null ? null : table.copy();
        return c;
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
            int i = indexOf(field);
            return i < 0 ? null : flat[2 * i + 1];
        }
        int cell = table.find(field, BytesHash.hash(BytesHash.VALUE_SEED, field));
        return cell < 0 ? null : (byte[]) table.valueAt(cell);
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    /**
     * Sets {@code field} to {@code value} (the arrays are kept, not copied); returns true when the field is new.
     * Converts to the table encoding when either is longer than the listpack value limit or the hash grows past
     * the entry limit, as Redis's hashTypeSet does.
     */
    public boolean put(byte[] field, byte[] value, HashLimits limits) {
        if (table == null && (field.length > limits.maxListpackValue() || value.length > limits.maxListpackValue())) {
            convert();
        }
        if (table == null) {
            int i = indexOf(field);
            if (i >= 0) {
                flat[2 * i + 1] = value;
                return false;
            }
            if (2 * pairs == flat.length) {
                flat = Arrays.copyOf(flat, flat.length * 2);
            }
            flat[2 * pairs] = field;
            flat[2 * pairs + 1] = value;
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
            int i = indexOf(field);
            if (i < 0) {
                return false;
            }
            System.arraycopy(flat, 2 * i + 2, flat, 2 * i, 2 * (pairs - i - 1));
            pairs--;
            flat[2 * pairs] = null;
            flat[2 * pairs + 1] = null;
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
            for (int i = 0; i < pairs; i++) {
                visitor.visit(flat[2 * i], flat[2 * i + 1]);
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
        return table == null ? flat[2 * position] : table.keyAt(position);
    }

    public byte[] valueAt(int position) {
        return table == null ? flat[2 * position + 1] : (byte[]) table.valueAt(position);
    }

    @Override
    public int randomPosition(RandomGenerator random) {
        return table == null ? random.nextInt(pairs) : table.randomCell(random);
    }

    @Override
    public int[] positions() {
        return table == null ? Sampling.firstPositions(pairs) : table.occupiedCells();
    }

    private int indexOf(byte[] field) {
        for (int i = 0; i < pairs; i++) {
            if (Arrays.equals(flat[2 * i], field)) {
                return i;
            }
        }
        return -1;
    }

    private void convert() {
        Dict t = new Dict();
        for (int i = 0; i < pairs; i++) {
            t.insert(flat[2 * i], BytesHash.hash(BytesHash.VALUE_SEED, flat[2 * i]), flat[2 * i + 1], 0);
        }
        table = t;
        flat = null;
        pairs = 0;
    }
}
