package io.larder.engine.geo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** The texts geo replies and errors print numbers in, as Redis prints them. */
public final class GeoFormat {
    private static final int DISTANCE_DECIMALS = 4;
    private static final double DISTANCE_SCALE = 10_000;

    private GeoFormat() {
    }

    /**
     * A distance with four decimals as Redis 7.2's fixedpoint_d2string writes it: the value times 10^4 rounded
     * to an integer (half to even, as llrint), then split at the fourth digit.
     */
    public static byte[] distance(double d) {
        if (d == 0) {
            return "0.0000".getBytes(StandardCharsets.US_ASCII);
        }
        long scaled = (long) Math.rint(d * DISTANCE_SCALE);
        StringBuilder out = new StringBuilder(24);
        if (scaled < 0) {
            out.append('-');
        }
        String digits = Long.toUnsignedString(Math.abs(scaled));
        if (digits.length() <= DISTANCE_DECIMALS) {
            out.append("0.");
            out.append("0".repeat(DISTANCE_DECIMALS - digits.length())).append(digits);
        } else {
            int dot = digits.length() - DISTANCE_DECIMALS;
            out.append(digits, 0, dot).append('.').append(digits, dot, digits.length());
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A coordinate as Redis's "human" long double text: {@code %.17Lf} of the exact value (the double widened to
     * a long double loses nothing), trailing zeros and a bare point removed, "-0" printed as "0".
     */
    public static String coordinate(double d) {
        String text = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        text = text.substring(0, end);
        return text.equals("-0") ? "0" : text;
    }

    /** printf's {@code %f}: six decimals of the exact value, the sign kept even when it rounds to zero. */
    public static String fixed6(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String text = new BigDecimal(Math.abs(d)).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return (Double.doubleToRawLongBits(d) < 0 ? "-" : "") + text;
    }
}
