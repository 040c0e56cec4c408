package io.larder.engine.util;

/**
 * Redis 7.2's double to text conversions. 7.2 replaced {@code %.17g} with the shortest digit string that reads
 * back as the same double (fpconv_dtoa, Grisu2) laid out in its own plain-or-exponent style, and replies with
 * {@link #reply} (d2string: integers up to 2^62 as integers, the rest through that conversion). Java's
 * {@code Double.toString} gives the shortest round-tripping digits too; Grisu2 may emit a longer string for a
 * rare few doubles, where the two can differ.
 */
public final class DoubleFormat {
    /** Redis's double2ll bound, LLONG_MAX/2 as a double. */
    private static final double INTEGER_LIMIT = (double) (Long.MAX_VALUE / 2);

    private DoubleFormat() {
    }

    /** Whether {@link #reply} prints {@code d} as a plain integer (Redis's double2ll). */
    public static boolean isReplyInteger(double d) {
        return d >= -INTEGER_LIMIT && d <= INTEGER_LIMIT && (long) d == d && !(d == 0 && 1 / d < 0);
    }

    /** d2string: "nan", "inf"/"-inf", "0"/"-0", integers as integers, anything else as {@link #shortest}. */
    public static String reply(double d) {
        if (isReplyInteger(d)) {
            return Long.toString((long) d);
        }
        return shortest(d);
    }

    /** fpconv_dtoa: shortest round-trip digits; integers too (1e8 is "1e+8"), as DEBUG DIGEST mixes scores. */
    public static String shortest(double d) {
        boolean negative = (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
        String sign = negative ? "-" : "";
        if (d == 0) {
            return sign + "0";
        }
        if (Double.isNaN(d)) {
            return sign + "nan";
        }
        if (Double.isInfinite(d)) {
            return sign + "inf";
        }
        String java = Double.toString(Math.abs(d));
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String fraction = mantissa.substring(dot + 1);
        StringBuilder digits = new StringBuilder(mantissa.length()).append(mantissa, 0, dot).append(fraction);
        int k = exponent - fraction.length(); // value = digits * 10^k
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits.delete(0, lead);
        while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') {
            digits.setLength(digits.length() - 1);
            k++;
        }
        return sign + layout(digits.toString(), k);
    }

    /** fpconv's layout: plain integer or decimal when the exponent is moderate, else d.ddde±x. */
    private static String layout(String digits, int k) {
        int n = digits.length();
        int exp = Math.abs(k + n - 1);
        if (k >= 0 && exp < n + 7) {
            return digits + "0".repeat(k);
        }
        if (k < 0 && (k > -7 || exp < 4)) {
            int offset = n + k;
            if (offset <= 0) {
                return "0." + "0".repeat(-offset) + digits;
            }
            return digits.substring(0, offset) + "." + digits.substring(offset);
        }
        StringBuilder out = new StringBuilder(n + 8).append(digits.charAt(0));
        if (n > 1) {
            out.append('.').append(digits, 1, n);
        }
        return out.append('e').append(k + n - 1 < 0 ? '-' : '+').append(exp).toString();
    }
}
