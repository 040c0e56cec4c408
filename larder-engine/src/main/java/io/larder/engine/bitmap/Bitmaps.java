package io.larder.engine.bitmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit-level reads and writes over a string value's bytes, most significant bit first (bit 0 is the top bit of
 * byte 0), as Redis's bitmap commands address them. Bits past the value's length read as zero.
 */
public final class Bitmaps {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bitmaps() {
    }

    public static int bit(byte[] bytes, int length, long offset) {
        long index = offset >>> 3;
        if (index >= length) {
            return 0;
        }
        return (bytes[(int) index] >> (7 - (int) (offset & 7))) & 1;
    }

    /** Sets or clears one bit, which must lie inside the array; returns the previous bit. */
    public static int setBit(byte[] bytes, long offset, int value) {
        int index = (int) (offset >>> 3);
        int shift = 7 - (int) (offset & 7);
        int old = (bytes[index] >> shift) & 1;
        bytes[index] = (byte) ((bytes[index] & ~(1 << shift)) | (value << shift));
        return old;
    }

    /** Number of set bits between bit positions {@code from} and {@code to}, both inclusive and in range. */
    public static long count(byte[] bytes, long from, long to) {
        int first = (int) (from >>> 3);
        int last = (int) (to >>> 3);
        long total = countBytes(bytes, first, last + 1);
        // Drop the bits of the edge bytes that lie outside the range.
        total -= Integer.bitCount((bytes[first] & 0xff) >>> (8 - (int) (from & 7)));
        total -= Integer.bitCount(bytes[last] & ((1 << (7 - (int) (to & 7))) - 1));
        return total;
    }

    private static long countBytes(byte[] bytes, int from, int to) {
        long total = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            total += Long.bitCount((long) LONGS.get(bytes, i));
        }
        for (; i < to; i++) {
            total += Integer.bitCount(bytes[i] & 0xff);
        }
        return total;
    }

    /** Position of the first bit equal to {@code value} between {@code from} and {@code to} (inclusive), or -1. */
    public static long find(byte[] bytes, long from, long to, int value) {
        long pos = from;
        // Bit by bit up to a byte boundary, then whole bytes (8 at a time where possible), then bit by bit.
        while (pos <= to && (pos & 7) != 0) {
            if (bit(bytes, Integer.MAX_VALUE, pos) == value) {
                return pos;
            }
            pos++;
        }
        int skip = value == 1 ? 0 : 0xff;
        long skipLong = value == 1 ? 0 : -1L;
        while (pos + 64 <= to + 1 && (long) LONGS.get(bytes, (int) (pos >>> 3)) == skipLong) {
            pos += 64;
        }
        while (pos + 8 <= to + 1 && (bytes[(int) (pos >>> 3)] & 0xff) == skip) {
            pos += 8;
        }
        for (; pos <= to; pos++) {
            if (bit(bytes, Integer.MAX_VALUE, pos) == value) {
                return pos;
            }
        }
        return -1;
    }
}
