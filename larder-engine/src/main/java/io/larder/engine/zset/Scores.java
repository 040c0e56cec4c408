package io.larder.engine.zset;

import java.nio.charset.StandardCharsets;

/**
 * Score parsing as C's strtod reads it for Redis: optional leading white space, a sign, then a decimal number
 * with optional exponent, "inf"/"infinity", "nan" or a hexadecimal float. Redis applies two policies on top:
 * {@link #parseStrict} (getDoubleFromObject: scores, increments, weights) and {@link #parseLenient}
 * (zslParseRange: range bounds); SORT has a third ({@link #parseSortValue}).
 */
public final class Scores {
    /** Thrown (without a stack trace) when text is not a score under the policy used. */
    public static final class NotAScore extends Exception {
        static final NotAScore INSTANCE = new NotAScore();

        private NotAScore() {
            super("not a score", null, false, false);
        }
    }

    private Scores() {
    }

    /**
     * getDoubleFromObject: the whole text must be the number, no leading space, not empty, no NaN, and no
     * overflow to infinity nor underflow to zero.
     */
    public static double parseStrict(byte[] s, int from) throws NotAScore {
        if (s.length == from || isSpace(s[from])) {
            throw NotAScore.INSTANCE;
        }
        Parse p = strtod(s, from);
        if (p.end != s.length || Double.isNaN(p.value) || p.outOfRange) {
            throw NotAScore.INSTANCE;
        }
        return p.value;
    }

    /** zslParseRange: strtod consuming the whole text; leading space, empty text (0) and overflow are accepted. */
    public static double parseLenient(byte[] s, int from) throws NotAScore {
        Parse p = strtod(s, from);
        if (p.end != s.length || Double.isNaN(p.value)) {
            throw NotAScore.INSTANCE;
        }
        return p.value;
    }

    /**
     * SORT's numeric value of an element: strtod consuming the whole text; leading space and empty text (0) are
     * accepted, NaN and overflow or underflow are not.
     */
    public static double parseSortValue(byte[] s) throws NotAScore {
        Parse p = strtod(s, 0);
        if (p.end != s.length || Double.isNaN(p.value) || p.outOfRange) {
            throw NotAScore.INSTANCE;
        }
        return p.value;
    }

    private record Parse(double value, int end, boolean outOfRange) {
    }

    private static Parse strtod(byte[] s, int from) {
        int i = from;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (matchesWord(s, i, "infinity")) {
            return new Parse(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 8, false);
        }
        if (matchesWord(s, i, "inf")) {
            return new Parse(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 3, false);
        }
        if (matchesWord(s, i, "nan")) {
            return new Parse(Double.NaN, i + 3, false);
        }
        if (i + 1 < s.length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            Parse hex = hex(s, i + 2, negative);
            if (hex != null) {
                return hex;
            }
            // "0x" without hex digits reads as the number 0 followed by text.
            return new Parse(negative ? -0.0 : 0.0, i + 1, false);
        }
        int mantissaStart = i;
        boolean nonZeroDigit = false;
        int digits = 0;
        while (i < s.length && isDigit(s[i])) {
            nonZeroDigit |= s[i] != '0';
            digits++;
            i++;
        }
        if (i < s.length && s[i] == '.') {
            i++;
            while (i < s.length && isDigit(s[i])) {
                nonZeroDigit |= s[i] != '0';
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return new Parse(0, from, false); // no conversion: strtod points back at the start
        }
        i = exponentEnd(s, i, (byte) 'e', (byte) 'E', true);
        String text = new String(s, mantissaStart, i - mantissaStart, StandardCharsets.US_ASCII);
        double v = Double.parseDouble(text);
        boolean outOfRange = Double.isInfinite(v) || (v == 0 && nonZeroDigit);
        return new Parse(negative ? -v : v, i, outOfRange);
    }

    /** A hexadecimal float after "0x": hex digits with an optional point and a binary exponent p[sign]digits. */
    private static Parse hex(byte[] s, int i, boolean negative) {
        int start = i;
        int digits = 0;
        while (i < s.length && Character.digit(s[i], 16) >= 0) {
            digits++;
            i++;
        }
        if (i < s.length && s[i] == '.') {
            i++;
            while (i < s.length && Character.digit(s[i], 16) >= 0) {
                digits++;
                i++;
            }
        }
        if (digits == 0) {
            return null;
        }
        String mantissa = new String(s, start, i - start, StandardCharsets.US_ASCII);
        int end = exponentEnd(s, i, (byte) 'p', (byte) 'P', true);
        String exponent = end > i ? new String(s, i + 1, end - i - 1, StandardCharsets.US_ASCII) : "0";
        double v = Double.parseDouble("0x" + (mantissa.startsWith(".") ? "0" + mantissa : mantissa) + "p" + exponent);
        boolean outOfRange = Double.isInfinite(v);
        return new Parse(negative ? -v : v, end, outOfRange);
    }

    /** The end of an exponent part starting at {@code i}, or {@code i} when there is no complete one. */
    private static int exponentEnd(byte[] s, int i, byte lower, byte upper, boolean signed) {
        if (i < s.length && (s[i] == lower || s[i] == upper)) {
            int j = i + 1;
            if (signed && j < s.length && (s[j] == '+' || s[j] == '-')) {
                j++;
            }
            if (j < s.length && isDigit(s[j])) {
                while (j < s.length && isDigit(s[j])) {
                    j++;
                }
                return j;
            }
        }
        return i;
    }

    private static boolean matchesWord(byte[] s, int i, String word) {
        if (s.length - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase((char) s[i + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }
}
