package io.larder.engine.geo;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Trig's results are the exact values rounded to the nearest double, checked against a 50-digit reference. */
class TrigTest {
    private static final MathContext MC = new MathContext(50);

    private static BigDecimal sinExact(BigDecimal x) {
        BigDecimal term = x;
        BigDecimal sum = x;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 2; n < 120; n += 2) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((long) n * (n + 1)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    private static BigDecimal cosExact(BigDecimal x) {
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = term;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 1; n < 120; n += 2) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((long) n * (n + 1)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /** asin by Newton's method on the exact sine, from Math's estimate. */
    private static double asinExact(double x) {
        BigDecimal target = new BigDecimal(x);
        BigDecimal y = new BigDecimal(Math.asin(x));
        for (int i = 0; i < 5; i++) {
            y = y.subtract(sinExact(y).subtract(target, MC).divide(cosExact(y), MC), MC);
        }
        return y.doubleValue();
    }

    @Test
    void sineAndCosineAreCorrectlyRounded() {
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 3000; i++) {
            double x = random.nextDouble(-3.2, 3.2) / (random.nextBoolean() ? 1 : random.nextInt(1, 1 << 20));
            assertThat(Trig.sin(x)).as("sin %s", x).isEqualTo(sinExact(new BigDecimal(x)).doubleValue());
            assertThat(Trig.cos(x)).as("cos %s", x).isEqualTo(cosExact(new BigDecimal(x)).doubleValue());
        }
    }

    @Test
    void arcsineIsCorrectlyRounded() {
        SplittableRandom random = new SplittableRandom(22);
        for (int i = 0; i < 1500; i++) {
            double x = random.nextDouble() / (random.nextBoolean() ? 1 : random.nextInt(1, 1 << 20));
            assertThat(Trig.asin(x)).as("asin %s", x).isEqualTo(asinExact(x));
        }
        assertThat(Trig.asin(0)).isZero();
        assertThat(Trig.asin(1)).isEqualTo(Math.PI / 2);
        assertThat(Trig.asin(1.0000000000000002)).isNaN();
    }

    @Test
    void edgesAndFallbacks() {
        assertThat(Trig.sin(0)).isZero();
        assertThat(1 / Trig.sin(-0.0)).isNegative();
        assertThat(1 / Trig.asin(-0.0)).isNegative();
        assertThat(Trig.cos(0)).isEqualTo(1);
        assertThat(Trig.sin(-0.5)).isEqualTo(-Trig.sin(0.5));
        assertThat(Trig.cos(100)).isEqualTo(Math.cos(100));
        assertThat(Trig.cos(Double.NaN)).isNaN();
        assertThat(Trig.cos(Double.POSITIVE_INFINITY)).isNaN();
    }
}
