package io.larder.engine.util;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins Redis 7.2's double replies (d2string over fpconv_dtoa), which differ from the 7.0 oracle's %.17g. */
class DoubleFormatTest {
    @Test
    void repliesWithTheShortestRoundTripForm() {
        assertThat(DoubleFormat.reply(1.1)).isEqualTo("1.1"); // 7.0: 1.1000000000000001
        assertThat(DoubleFormat.reply(0.1)).isEqualTo("0.1");
        assertThat(DoubleFormat.reply(-2.5)).isEqualTo("-2.5");
        assertThat(DoubleFormat.reply(3.14159)).isEqualTo("3.14159");
        assertThat(DoubleFormat.reply(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(DoubleFormat.reply(123.4567891)).isEqualTo("123.4567891");
    }

    @Test
    void integersUpToHalfTheLongRangeAreIntegers() {
        assertThat(DoubleFormat.reply(0)).isEqualTo("0");
        assertThat(DoubleFormat.reply(-0.0)).isEqualTo("-0");
        assertThat(DoubleFormat.reply(100_000_000)).isEqualTo("100000000");
        assertThat(DoubleFormat.reply(1e17)).isEqualTo("100000000000000000"); // 7.0: 1e+17
        assertThat(DoubleFormat.reply(-42)).isEqualTo("-42");
        assertThat(DoubleFormat.reply(4.611686018427388e18)).isEqualTo("4611686018427387904");
        assertThat(DoubleFormat.reply(1e19)).isEqualTo("1e+19");
    }

    @Test
    void specialValues() {
        assertThat(DoubleFormat.reply(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(DoubleFormat.reply(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(DoubleFormat.reply(Double.NaN)).isEqualTo("nan");
    }

    @Test
    void fpconvLayoutOfSmallAndLargeMagnitudes() {
        assertThat(DoubleFormat.shortest(0.0001)).isEqualTo("0.0001");
        assertThat(DoubleFormat.shortest(0.00001)).isEqualTo("0.00001"); // K = -5 > -7: still plain
        assertThat(DoubleFormat.shortest(1e-7)).isEqualTo("1e-7");
        assertThat(DoubleFormat.shortest(1.5e-10)).isEqualTo("1.5e-10");
        assertThat(DoubleFormat.shortest(1.25e-300)).isEqualTo("1.25e-300");
        assertThat(DoubleFormat.shortest(1e21)).isEqualTo("1e+21");
        assertThat(DoubleFormat.shortest(1.5e200)).isEqualTo("1.5e+200");
        assertThat(DoubleFormat.shortest(-1e105)).isEqualTo("-1e+105");
        assertThat(DoubleFormat.shortest(1e100)).isEqualTo("1e+100");
        assertThat(DoubleFormat.shortest(1e8)).isEqualTo("1e+8"); // the digest form, no integer shortcut
        assertThat(DoubleFormat.shortest(1e7)).isEqualTo("10000000");
        assertThat(DoubleFormat.shortest(12345678)).isEqualTo("12345678");
        assertThat(DoubleFormat.shortest(1.2345678e-3)).isEqualTo("0.0012345678");
    }

    @Test
    void everyReplyReadsBackAsTheSameDouble() {
        SplittableRandom random = new SplittableRandom(72);
        for (int i = 0; i < 200_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d)) {
                continue;
            }
            String text = DoubleFormat.reply(d);
            double back = text.endsWith("inf") ? (text.startsWith("-") ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY) : Double.parseDouble(text);
            assertThat(back).as(text).isEqualTo(d);
        }
    }
}
