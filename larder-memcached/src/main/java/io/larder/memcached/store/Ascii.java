package io.larder.memcached.store;

/**
 * memcached's number parsing (util.c safe_strtoul/strtol/strtoull over C's strto* functions): leading
 * whitespace and a sign are accepted, the number must be followed by whitespace or the end, a '-' on an
 * unsigned number is refused only when the result would be negative as a signed number, and 32-bit unsigned
 * results are truncated. {@link #INVALID} (a value no caller can confuse with a result) marks a failure.
 */
public final class Ascii {
    /** Returned on failure; parse results are carried in a long so every 64-bit pattern but this one is valid. */
    public static final long INVALID = Long.MIN_VALUE + 0x5a5a;

    private Ascii() {
    }

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }

    /** safe_strtoull over bytes [from, to); returns the unsigned value or {@link #INVALID}. */
    public static long strtoull(byte[] s, int from, int to) {
        int i = from;
        while (i < to && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int digitsStart = i;
        long value = 0;
        boolean overflow = false;
        while (i < to && s[i] >= '0' && s[i] <= '9') {
            int d = s[i] - '0';
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            value = value * 10 + d;
            i++;
        }
        if (i == digitsStart || overflow) {
            return INVALID;
        }
        if (i < to && !isSpace(s[i])) {
            return INVALID;
        }
        if (negative) {
            value = -value;
            if (value < 0) {
                return INVALID;
            }
        }
        return value == INVALID ? INVALID : value;
    }

    /** safe_strtoul: a 32-bit unsigned result (truncated from 64 bits as memcached does), or INVALID. */
    public static long strtoul(byte[] s, int from, int to) {
        long v = strtoull(s, from, to);
        return v == INVALID ? INVALID : v & 0xffffffffL;
    }

    /** safe_strtol: a signed 64-bit parse truncated to 32 bits as memcached does, or INVALID. */
    public static long strtol(byte[] s, int from, int to) {
        int i = from;
        while (i < to && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int digitsStart = i;
        long value = 0;
        boolean overflow = false;
        while (i < to && s[i] >= '0' && s[i] <= '9') {
            if (value > (Long.MAX_VALUE - (s[i] - '0')) / 10) {
                overflow = true;
            }
            value = value * 10 + (s[i] - '0');
            i++;
        }
        if (i == digitsStart || overflow) {
            return INVALID;
        }
        if (i < to && !isSpace(s[i])) {
            return INVALID;
        }
        // memcached stores strtol's long into an int32_t unchecked: larger values wrap.
        return (int) (negative ? -value : value);
    }

    public static byte[] unsignedBytes(long v) {
        return Long.toUnsignedString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
