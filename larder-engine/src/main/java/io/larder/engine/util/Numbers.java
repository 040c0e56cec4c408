package io.larder.engine.util;

import java.nio.charset.StandardCharsets;

/** Number parsing and formatting with Redis's exact rules (string2ll, strtod), without allocation where it matters. */
public final class Numbers {
    private Numbers() {
    }

    /** Thrown (without a stack trace) when bytes are not a number by Redis's rules. */
    public static final class NotANumber extends Exception {
        static final NotANumber INSTANCE = new NotANumber();

        private NotANumber() {
            super("not a number", null, false, false);
        }
    }

    /** Strict integer parsing as Redis's string2ll: no spaces, no '+', no leading zeros, within 64 bits. */
    public static long parseLong(byte[] s) throws NotANumber {
        return parseLong(s, 0, s.length);
    }

    public static long parseLong(byte[] s, int from, int to) throws NotANumber {
        int len = to - from;
        if (len == 0 || len > 20) {
            throw NotANumber.INSTANCE;
        }
        if (len == 1 && s[from] == '0') {
            return 0;
        }
        int i = from;
        boolean negative = false;
        if (s[i] == '-') {
            negative = true;
            i++;
            if (i == to) {
                throw NotANumber.INSTANCE;
            }
        }
        if (s[i] < '1' || s[i] > '9') {
            throw NotANumber.INSTANCE;
        }
        long v = 0; // accumulate negatively so Long.MIN_VALUE fits
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                throw NotANumber.INSTANCE;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw NotANumber.INSTANCE;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw NotANumber.INSTANCE;
            }
            return -v;
        }
        return v;
    }

    public static boolean isLong(byte[] s) {
        try {
            parseLong(s);
            return true;
        } catch (NotANumber e) {
            return false;
        }
    }

    /** The decimal digits of {@code value} as ASCII: one exact-size array, no intermediate String (INCR's path). */
    public static byte[] toBytes(long value) {
        if (value == Long.MIN_VALUE) {
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }
        long v = Math.abs(value);
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        byte[] out = new byte[value < 0 ? digits + 1 : digits];
        int i = out.length;
        do {
            out[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (value < 0) {
            out[0] = '-';
        }
        return out;
    }

    /**
     * Parses a double as Redis's string2d/strtod: decimal or exponent forms, "inf"/"infinity" with a sign,
     * no surrounding spaces; NaN is refused.
     */
    public static double parseDouble(byte[] s) throws NotANumber {
        if (s.length == 0 || s.length > 5000 || isSpace(s[0]) || isSpace(s[s.length - 1])) {
            throw NotANumber.INSTANCE;
        }
        String text = new String(s, StandardCharsets.US_ASCII);
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        for (int i = 0; i < s.length; i++) {
            byte c = s[i];
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
            if (!ok) {
                throw NotANumber.INSTANCE;
            }
        }
        try {
            double d = Double.parseDouble(text);
            if (Double.isNaN(d)) {
                throw NotANumber.INSTANCE;
            }
            return d;
        } catch (NumberFormatException e) {
            throw NotANumber.INSTANCE;
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }
}
