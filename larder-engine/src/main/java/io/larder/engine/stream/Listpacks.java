package io.larder.engine.stream;

import io.larder.engine.util.Numbers;

/**
 * Sizes of listpack elements, as Redis's listpack.c encodes them: Redis closes a stream node when its listpack
 * would pass stream-node-max-bytes, so where approximate trimming stops depends on these byte counts.
 */
final class Listpacks {
    /** Total-bytes and element-count header plus the end byte. */
    static final int OVERHEAD = 6 + 1;

    private Listpacks() {
    }

    /** An integer element: encoding, payload and the one-byte back length. */
    static int intSize(long v) {
        int enc;
        if (v >= 0 && v <= 127) {
            enc = 1;
        } else if (v >= -4096 && v <= 4095) {
            enc = 2;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            enc = 3;
        } else if (v >= -8388608 && v <= 8388607) {
            enc = 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            enc = 5;
        } else {
            enc = 9;
        }
        return enc + 1;
    }

    /** A string element, stored as an integer when it is one in canonical form. */
    static long elementSize(byte[] s) {
        if (s.length > 0 && s.length <= 20) {
            try {
                return intSize(Numbers.parseLong(s));
            } catch (Numbers.NotANumber e) {
                // stored as a string
            }
        }
        long len = s.length;
        long enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
        return enc + backlenSize(enc);
    }

    private static int backlenSize(long l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }
}
