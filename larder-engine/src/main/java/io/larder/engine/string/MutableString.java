package io.larder.engine.string;

import java.util.Arrays;

/**
 * A string value held in a growable buffer, for values Redis keeps as an sds rather than an integer: strings
 * that APPEND or SETRANGE modified (encoding "raw"; appends are amortized O(1) because the buffer doubles) and
 * integer-looking INCRBYFLOAT results (encoding "embstr", as Redis never re-encodes those to "int").
 * <p>
 * Mutated in place under the key's stripe lock: whoever copies a value to another key must copy the buffer.
 */
public final class MutableString {
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;
    private static final int EMBSTR_LIMIT = 44;

    private byte[] buffer;
    private int length;
    private boolean modified;

    private MutableString(byte[] buffer, int length, boolean modified) {
        this.buffer = buffer;
        this.length = length;
        this.modified = modified;
    }

    /** A value created whole (not modified), owning {@code bytes}. */
    public static MutableString of(byte[] bytes) {
        return new MutableString(bytes, bytes.length, false);
    }

    /** A modified ("raw") copy of {@code length} bytes of {@code source}, with room for {@code extra} more. */
    public static MutableString copyOf(byte[] source, int length, int extra) {
        byte[] buffer = new byte[grownCapacity(length, length + extra)];
        System.arraycopy(source, 0, buffer, 0, length);
        return new MutableString(buffer, length, true);
    }

    /** Backing array; only the first {@link #length()} bytes belong to the value. */
    public byte[] array() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public void append(byte[] tail) {
        ensureCapacity(length + tail.length);
        System.arraycopy(tail, 0, buffer, length, tail.length);
        length += tail.length;
        modified = true;
    }

    /** Writes {@code data} at {@code offset}, zero-padding the gap when it lies past the end (SETRANGE). */
    public void write(int offset, byte[] data) {
        int end = offset + data.length;
        if (end > length) {
            ensureCapacity(end);
            Arrays.fill(buffer, length, offset > length ? offset : length, (byte) 0);
            length = end;
        }
        System.arraycopy(data, 0, buffer, offset, data.length);
        modified = true;
    }

    /**
     * Sets the length, zero-filling any growth (SETBIT, BITFIELD and HyperLogLog edits work on {@link #array()}
     * afterwards; the array may be a new one).
     */
    public void resize(int newLength) {
        if (newLength > length) {
            ensureCapacity(newLength);
            Arrays.fill(buffer, length, newLength, (byte) 0);
        }
        length = newLength;
        modified = true;
    }

    /** The OBJECT ENCODING Redis would report for this value. */
    public String encoding() {
        return modified || length > EMBSTR_LIMIT ? "raw" : "embstr";
    }

    /** An independent copy with the same encoding. */
    public MutableString duplicate() {
        return new MutableString(toByteArray(), length, modified);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, grownCapacity(length, needed));
        }
    }

    private static int grownCapacity(int current, int needed) {
        if (needed > MAX_LENGTH || needed < 0) {
            throw new OutOfMemoryError("string of " + needed + " bytes");
        }
        long doubled = Math.max(16L, (long) current * 2);
        return (int) Math.min(MAX_LENGTH, Math.max(needed, doubled));
    }
}
