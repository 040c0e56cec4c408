package io.larder.engine.geo;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Sine, cosine and arcsine rounded to the nearest double, for distances that agree with Redis's to the last
 * bit far more often than {@link Math}'s (whose asin is off by an ulp for about one argument in twelve; glibc
 * itself rounds correctly but for about one argument in a thousand).
 * <p>
 * sin and cos split x = a + t, a a multiple of 1/128 whose sine and cosine come from a table of double-double
 * values, |t| &lt;= 1/256, and combine a's values with short series for t, carrying the sum in two doubles to
 * about 2^-78 before the one final rounding. asin refines {@link Math#asin} by a Newton step on that sine
 * (near 1 through the half-angle identity, where the arcsine is too steep for that).
 * Arguments beyond the table (|x| &gt; 3.25) fall back to {@link Math}.
 */
final class Trig {
    private static final int STEPS_PER_UNIT = 128;
    /** Covers every argument the distance needs: half a longitude difference is at most pi. */
    private static final double TABLE_LIMIT = 3.25;
    private static final int ENTRIES = (int) (TABLE_LIMIT * STEPS_PER_UNIT) + 1;
    /** pi/2 as the sum of two doubles. */
    private static final double PI_OVER_2_HI = 1.5707963267948966;
    private static final double PI_OVER_2_LO = 6.123233995736766e-17;
    /** sin(k/128) and cos(k/128) as hi/lo pairs: SIN[2k] + SIN[2k+1]. */
    private static final double[] SIN = new double[2 * ENTRIES];
    private static final double[] COS = new double[2 * ENTRIES];

    static {
        // Rotating by 1/128 step after step in 40 digits leaves every entry far below a double-double's error.
        MathContext mc = new MathContext(40);
        BigDecimal h = BigDecimal.ONE.divide(BigDecimal.valueOf(STEPS_PER_UNIT), mc);
        BigDecimal sinH = series(h, true, mc);
        BigDecimal cosH = series(h, false, mc);
        BigDecimal sin = BigDecimal.ZERO;
        BigDecimal cos = BigDecimal.ONE;
        for (int k = 0; k < ENTRIES; k++) {
            split(sin, SIN, 2 * k);
            split(cos, COS, 2 * k);
            BigDecimal next = sin.multiply(cosH, mc).add(cos.multiply(sinH, mc), mc);
            cos = cos.multiply(cosH, mc).subtract(sin.multiply(sinH, mc), mc);
            sin = next;
        }
    }

    private Trig() {
    }

    static double sin(double x) {
        if (x == 0) {
            return x; // keeps the sign of zero
        }
        double ax = Math.abs(x);
        if (!(ax <= TABLE_LIMIT)) {
            return Math.sin(x);
        }
        double[] dd = new double[2];
        sinAbs(ax, dd);
        double r = dd[0] + dd[1];
        return x < 0 ? -r : r;
    }

    static double cos(double x) {
        double ax = Math.abs(x);
        if (!(ax <= TABLE_LIMIT)) {
            return Math.cos(x);
        }
        int k = (int) Math.rint(ax * STEPS_PER_UNIT);
        double t = ax - (double) k / STEPS_PER_UNIT;
        Sum sum = new Sum();
        // cos(a + t) = cos a cos t - sin a sin t
        combine(sum, COS[2 * k], COS[2 * k + 1], -SIN[2 * k], -SIN[2 * k + 1], t);
        return sum.hi + sum.lo;
    }

    static double asin(double x) {
        double ax = Math.abs(x);
        if (!(ax <= 1)) {
            return Double.NaN;
        }
        double r = ax <= 0.5 ? asinNear0(ax) : asinNear1(ax);
        return Math.copySign(r, x);
    }

    /** asin(x), 0 &lt;= x &lt;= 0.5: one Newton step from {@link Math#asin}. */
    private static double asinNear0(double x) {
        double y0 = Math.asin(x);
        return y0 + newtonStep(y0, x, 0);
    }

    /**
     * asin(x) for x above 0.5, where the arcsine's steep slope would magnify any error in a sine: pi/2 -
     * 2 asin(sqrt((1 - x) / 2)), with 1 - x exact and the square root carried in two doubles.
     */
    private static double asinNear1(double x) {
        double w = (1 - x) * 0.5;
        if (w == 0) {
            return PI_OVER_2_HI;
        }
        double rh = Math.sqrt(w);
        double rl = Math.fma(-rh, rh, w) / (2 * rh);
        double z0 = Math.asin(rh);
        double delta = newtonStep(z0, rh, rl);
        // pi/2 - 2 (z0 + delta), the leading subtraction kept exact.
        double twiceZ0 = 2 * z0;
        double hi = PI_OVER_2_HI - twiceZ0;
        double bb = hi - PI_OVER_2_HI;
        double lo = (PI_OVER_2_HI - (hi - bb)) + (-twiceZ0 - bb);
        return hi + (lo + PI_OVER_2_LO - 2 * delta);
    }

    /**
     * Newton's correction (x - sin y0) / cos y0 for asin(xh + xl) at y0 in [0, pi/6], an estimate off by an
     * ulp or two: y0 plus it is the arcsine to far beyond a double's precision.
     */
    private static double newtonStep(double y0, double xh, double xl) {
        double[] s = new double[2];
        sinAbs(y0, s);
        // xh - hi is exact: the two are within an ulp or two.
        return ((xh - s[0]) + (xl - s[1])) / Math.cos(y0);
    }

    /** sin of a non-negative x within the table, unrounded, into {@code dd}. */
    private static void sinAbs(double x, double[] dd) {
        int k = (int) Math.rint(x * STEPS_PER_UNIT);
        double t = x - (double) k / STEPS_PER_UNIT;
        Sum sum = new Sum();
        // sin(a + t) = sin a cos t + cos a sin t
        combine(sum, SIN[2 * k], SIN[2 * k + 1], COS[2 * k], COS[2 * k + 1], t);
        dd[0] = sum.hi;
        dd[1] = sum.lo;
    }

    /**
     * Adds (ph + pl) cos t + (qh + ql) sin t to {@code sum}. With |t| &lt;= 2^-8: cos t = 1 - t^2/2 + c, sin t =
     * t + s, where t^2 is taken exactly and c, s (below 2^-40 and 2^-25 relative) need only double precision.
     */
    private static void combine(Sum sum, double ph, double pl, double qh, double ql, double t) {
        double t2 = t * t;
        double t2err = Math.fma(t, t, -t2);
        double halfT2 = -0.5 * t2;
        double c = -0.5 * t2err + t2 * t2 * (1.0 / 24 - t2 * (1.0 / 720 - t2 * (1.0 / 40320)));
        double s = -t * t2 * (1.0 / 6 - t2 * (1.0 / 120 - t2 * (1.0 / 5040 - t2 * (1.0 / 362880))));
        sum.add(ph);
        sum.addProduct(ph, halfT2);
        sum.addProduct(qh, t);
        sum.addProduct(qh, s);
        sum.addProduct(ph, c);
        sum.addSmall(pl + pl * halfT2 + ql * t);
    }

    /** A double-double accumulator: {@code hi} the rounded sum so far, {@code lo} what rounding left out. */
    private static final class Sum {
        double hi;
        double lo;

        void add(double x) {
            double s = hi + x;
            double bb = s - hi;
            lo += (hi - (s - bb)) + (x - bb);
            hi = s;
        }

        void addProduct(double a, double b) {
            double p = a * b;
            add(p);
            lo += Math.fma(a, b, -p);
        }

        void addSmall(double x) {
            lo += x;
        }
    }

    /** The Taylor series of sin (or cos) at {@code a}, to the context's precision. */
    private static BigDecimal series(BigDecimal a, boolean sine, MathContext mc) {
        BigDecimal term = sine ? a : BigDecimal.ONE;
        BigDecimal sum = term;
        BigDecimal a2 = a.multiply(a, mc);
        BigDecimal limit = BigDecimal.ONE.movePointLeft(mc.getPrecision());
        for (int n = sine ? 2 : 1; term.abs().compareTo(limit) > 0; n += 2) {
            term = term.multiply(a2, mc).divide(BigDecimal.valueOf((long) n * (n + 1)), mc);
            term = term.negate();
            sum = sum.add(term, mc);
        }
        return sum;
    }

    private static void split(BigDecimal value, double[] into, int at) {
        double hi = value.doubleValue();
        into[at] = hi;
        into[at + 1] = value.subtract(new BigDecimal(hi)).doubleValue();
    }
}
