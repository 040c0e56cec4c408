package io.larder.engine.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * INCRBYFLOAT's arithmetic as Redis does it in C {@code long double} on x86-64: the 80-bit x87 format with a
 * 64-bit mantissa and a 15-bit exponent (so values far beyond double's range are valid). Operands are parsed
 * like glibc's {@code strtold} (decimal, hexadecimal and infinity forms, correctly rounded to nearest-even),
 * the sum is rounded the same way, and the result is printed as {@code "%.17Lf"} without trailing zeros.
 * Values are carried as the exact decimal expansion of the binary long double.
 */
public final class LongDouble {
    private static final int MANTISSA_BITS = 64;
    /** The smallest subnormal is 2^-16445; every long double is a multiple of it. */
    private static final int MIN_QUANTUM_EXPONENT = -16445;
    /** Magnitudes of 2^16384 and above overflow to infinity. */
    private static final int OVERFLOW_EXPONENT = 16384;
    /** Decimal magnitudes well outside the range, decided without computing them. */
    private static final int DECIMAL_OVERFLOW = 4940;
    private static final int DECIMAL_UNDERFLOW = -4960;
    /** Redis refuses longer operands (MAX_LONG_DOUBLE_CHARS). */
    private static final int MAX_CHARS = 5 * 1024;
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    private LongDouble() {
    }

    /** Thrown (without a stack trace) when the sum is infinite or NaN. */
    public static final class NotFinite extends Exception {
        static final NotFinite INSTANCE = new NotFinite();

        private NotFinite() {
            super("not finite", null, false, false);
        }
    }

    /**
     * INCRBYFLOAT: {@code current} (the first {@code currentLength} bytes; null for a missing key, which counts
     * as 0) plus {@code increment}, formatted as Redis replies and stores it.
     *
     * @throws Numbers.NotANumber when either operand is not a valid float (checked in that order)
     * @throws NotFinite when an operand is infinite or the sum overflows
     */
    public static String add(byte[] current, int currentLength, byte[] increment)
            throws Numbers.NotANumber, NotFinite {
        BigDecimal a = current == null ? BigDecimal.ZERO : parse(current, currentLength);
        BigDecimal b = parse(increment, increment.length);
        if (a == null || b == null) {
            throw NotFinite.INSTANCE;
        }
        BigDecimal sum = roundDecimal(a.add(b));
        if (sum == null) {
            throw NotFinite.INSTANCE;
        }
        return format(sum);
    }

    /**
     * Redis's string2ld: the exact value of the long double {@code strtold} gives, or null for an infinity.
     * The whole text must be consumed; no leading space, no NaN, no overflow, no underflow to zero.
     */
    static BigDecimal parse(byte[] s, int length) throws Numbers.NotANumber {
        if (length == 0 || length >= MAX_CHARS) {
            throw Numbers.NotANumber.INSTANCE;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '+' || s[0] == '-') {
            negative = s[0] == '-';
            i++;
        }
        BigDecimal value;
        if (matchesIgnoreCase(s, i, length, "inf")) {
            int after = i + 3;
            if (after == length || matchesIgnoreCase(s, after, length, "inity") && after + 5 == length) {
                return null;
            }
            throw Numbers.NotANumber.INSTANCE;
        } else if (i + 1 < length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            value = parseHex(s, i + 2, length);
        } else {
            value = parseDecimal(s, i, length);
        }
        return negative ? value.negate() : value;
    }

    private static BigDecimal parseDecimal(byte[] s, int from, int to) throws Numbers.NotANumber {
        int i = from;
        StringBuilder digits = new StringBuilder();
        int fractionDigits = 0;
        boolean seenDigit = false;
        boolean seenPoint = false;
        for (; i < to; i++) {
            byte c = s[i];
            if (c >= '0' && c <= '9') {
                seenDigit = true;
                if (digits.length() > 0 || c != '0') {
                    digits.append((char) c);
                }
                if (seenPoint) {
                    fractionDigits++;
                }
            } else if (c == '.' && !seenPoint) {
                seenPoint = true;
            } else {
                break;
            }
        }
        if (!seenDigit) {
            throw Numbers.NotANumber.INSTANCE;
        }
        long exponent = 0;
        if (i < to && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            exponent = parseExponent(s, i, to);
            i = to;
        }
        if (i != to) {
            throw Numbers.NotANumber.INSTANCE;
        }
        if (digits.length() == 0) {
            return BigDecimal.ZERO;
        }
        long scaleExponent = exponent - fractionDigits;
        long magnitude = digits.length() + scaleExponent - 1;
        if (magnitude > DECIMAL_OVERFLOW || magnitude < DECIMAL_UNDERFLOW) {
            throw Numbers.NotANumber.INSTANCE; // strtold: ERANGE with HUGE_VAL or zero
        }
        BigInteger unscaled = new BigInteger(digits.toString());
        BigInteger numerator = unscaled;
        BigInteger denominator = BigInteger.ONE;
        if (scaleExponent >= 0) {
            numerator = unscaled.multiply(BigInteger.TEN.pow((int) scaleExponent));
        } else {
            denominator = BigInteger.TEN.pow((int) -scaleExponent);
        }
        return finiteNonZero(round(numerator, denominator, 0));
    }

    private static BigDecimal parseHex(byte[] s, int from, int to) throws Numbers.NotANumber {
        int i = from;
        BigInteger mantissa = BigInteger.ZERO;
        int fractionDigits = 0;
        boolean seenDigit = false;
        boolean seenPoint = false;
        for (; i < to; i++) {
            int d = Character.digit(s[i], 16);
            if (d >= 0) {
                seenDigit = true;
                mantissa = mantissa.shiftLeft(4).or(BigInteger.valueOf(d));
                if (seenPoint) {
                    fractionDigits++;
                }
            } else if (s[i] == '.' && !seenPoint) {
                seenPoint = true;
            } else {
                break;
            }
        }
        if (!seenDigit) {
            throw Numbers.NotANumber.INSTANCE; // strtold reads just the "0" and stops at the 'x'
        }
        long exponent = 0;
        if (i < to && (s[i] == 'p' || s[i] == 'P')) {
            exponent = parseExponent(s, i + 1, to);
            i = to;
        }
        if (i != to) {
            throw Numbers.NotANumber.INSTANCE;
        }
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long binaryExponent = exponent - 4L * fractionDigits;
        long magnitude = mantissa.bitLength() + binaryExponent;
        if (magnitude > OVERFLOW_EXPONENT + 1 || magnitude < MIN_QUANTUM_EXPONENT - 2) {
            throw Numbers.NotANumber.INSTANCE;
        }
        return finiteNonZero(round(mantissa, BigInteger.ONE, (int) binaryExponent));
    }

    /** An optionally signed decimal exponent filling the rest of the text, clamped far outside the range. */
    private static long parseExponent(byte[] s, int from, int to) throws Numbers.NotANumber {
        int i = from;
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i == to) {
            throw Numbers.NotANumber.INSTANCE; // the exponent marker is not consumed: trailing text
        }
        long e = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                throw Numbers.NotANumber.INSTANCE;
            }
            e = Math.min(e * 10 + d, 1_000_000_000L);
        }
        return negative ? -e : e;
    }

    private static BigDecimal finiteNonZero(BigDecimal rounded) throws Numbers.NotANumber {
        if (rounded == null || rounded.signum() == 0) {
            throw Numbers.NotANumber.INSTANCE;
        }
        return rounded;
    }

    /** Rounds an exact decimal (a sum of two long doubles) to a long double; null when it overflows. */
    static BigDecimal roundDecimal(BigDecimal exact) {
        if (exact.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger unscaled = exact.unscaledValue().abs();
        int scale = exact.scale();
        BigDecimal magnitude = scale <= 0
                ? round(unscaled.multiply(BigInteger.TEN.pow(-scale)), BigInteger.ONE, 0)
                : round(unscaled, BigInteger.TEN.pow(scale), 0);
        if (magnitude == null) {
            return null;
        }
        return exact.signum() < 0 ? magnitude.negate() : magnitude;
    }

    /**
     * Rounds the positive value {@code numerator / denominator * 2^binaryExponent} to the nearest long double
     * (ties to even, subnormals included) and returns it exactly; null when it overflows.
     */
    static BigDecimal round(BigInteger numerator, BigInteger denominator, int binaryExponent) {
        // Scale up so the quotient carries at least two bits beyond the mantissa; the remainder is sticky.
        int shift = Math.max(0, MANTISSA_BITS + 2 + denominator.bitLength() - numerator.bitLength());
        BigInteger quotient;
        boolean sticky = false;
        if (denominator.equals(BigInteger.ONE)) {
            quotient = numerator.shiftLeft(shift);
        } else {
            BigInteger[] qr = numerator.shiftLeft(shift).divideAndRemainder(denominator);
            quotient = qr[0];
            sticky = qr[1].signum() != 0;
        }
        long exponent = (long) binaryExponent - shift;
        // Drop bits below the mantissa, or below the subnormal quantum when the value is that small.
        long drop = Math.max(quotient.bitLength() - MANTISSA_BITS, MIN_QUANTUM_EXPONENT - exponent);
        BigInteger mantissa = quotient;
        if (drop > 0) {
            int d = (int) Math.min(drop, Integer.MAX_VALUE);
            mantissa = quotient.shiftRight(d);
            boolean half = quotient.testBit(d - 1);
            boolean belowHalf = sticky || quotient.getLowestSetBit() < d - 1;
            if (half && (belowHalf || mantissa.testBit(0))) {
                mantissa = mantissa.add(BigInteger.ONE);
            }
            exponent += d;
            if (mantissa.bitLength() > MANTISSA_BITS) {
                mantissa = mantissa.shiftRight(1);
                exponent++;
            }
        }
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (mantissa.bitLength() + exponent > OVERFLOW_EXPONENT) {
            return null;
        }
        int e = (int) exponent;
        return e >= 0
                ? new BigDecimal(mantissa.shiftLeft(e))
                : new BigDecimal(mantissa.multiply(FIVE.pow(-e)), -e);
    }

    /** {@code "%.17Lf"} of the exact value (glibc rounds ties to even), then Redis's trimming of zeros and "-0". */
    static String format(BigDecimal value) {
        String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    private static boolean matchesIgnoreCase(byte[] s, int from, int to, String word) {
        if (to - from < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase((char) s[from + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
