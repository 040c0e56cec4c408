package io.larder.engine.bitmap;

/**
 * BITFIELD's integers: signed or unsigned fields of 1 to 64 bits (unsigned up to 63) at any bit offset, big
 * endian, and Redis's overflow rules for SET and INCRBY.
 */
public final class Bitfields {
    /** What a write does when the result does not fit the field. */
    public enum Overflow { WRAP, SAT, FAIL }

    private Bitfields() {
    }

    /** The field's bits as an unsigned number; bits past {@code length} read as zero. */
    public static long getUnsigned(byte[] bytes, int length, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            value = (value << 1) | Bitmaps.bit(bytes, length, offset + j);
        }
        return value;
    }

    public static long getSigned(byte[] bytes, int length, long offset, int bits) {
        long value = getUnsigned(bytes, length, offset, bits);
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits;
        }
        return value;
    }

    /** Writes the low {@code bits} bits of {@code value}; the field must lie inside the array. */
    public static void set(byte[] bytes, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            Bitmaps.setBit(bytes, offset + j, (int) ((value >>> (bits - 1 - j)) & 1));
        }
    }

    /**
     * The value a signed field receives for {@code value + incr} (SET passes the new value and 0), or null when
     * it overflows under FAIL. Follows Redis's checks exactly, including their 64-bit special cases.
     */
    public static Long signedResult(long value, long incr, int bits, Overflow policy) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        boolean over = value > max || (bits != 64 && incr > maxIncr)
                || (value >= 0 && incr > 0 && incr > maxIncr);
        boolean under = !over && (value < min || (bits != 64 && incr < minIncr)
                || (value < 0 && incr < 0 && incr < minIncr));
        if (!over && !under) {
            return value + incr;
        }
        return switch (policy) {
            case FAIL -> null;
            case SAT -> over ? max : min;
            case WRAP -> {
                long sum = value + incr;
                if (bits < 64) {
                    long mask = -1L << bits;
                    sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
                }
                yield sum;
            }
        };
    }

    /** As {@link #signedResult} for an unsigned field ({@code value} is read as unsigned, bits at most 63). */
    public static Long unsignedResult(long value, long incr, int bits, Overflow policy) {
        long max = (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        boolean over = Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr);
        boolean under = !over && incr < 0 && incr < minIncr;
        if (!over && !under) {
            return value + incr;
        }
        return switch (policy) {
            case FAIL -> null;
            case SAT -> over ? max : 0L;
            case WRAP -> (value + incr) & max;
        };
    }
}
