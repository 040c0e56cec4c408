package io.larder.engine.geo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GeoFormatTest {
    private static String distance(double d) {
        return new String(GeoFormat.distance(d), StandardCharsets.US_ASCII);
    }

    @Test
    void distancesHaveFourDecimals() {
        assertThat(distance(0)).isEqualTo("0.0000");
        assertThat(distance(166274.15156960033)).isEqualTo("166274.1516");
        assertThat(distance(1.23456)).isEqualTo("1.2346");
        assertThat(distance(0.0004)).isEqualTo("0.0004");
        assertThat(distance(0.012)).isEqualTo("0.0120");
        assertThat(distance(12)).isEqualTo("12.0000");
        assertThat(distance(-3.5)).isEqualTo("-3.5000");
    }

    /**
     * 7.2 rounds the scaled value half to even (llrint). Where the scaling itself rounds, that can differ from
     * 7.0's %.4f of the exact value: 0.00005 is a little above 0.00005, but times 10^4 it is exactly 0.5.
     */
    @Test
    void distancesRoundTheScaledValueHalfToEven() {
        assertThat(distance(0.03125)).isEqualTo("0.0312");
        assertThat(distance(0.09375)).isEqualTo("0.0938");
        assertThat(distance(0.00005)).isEqualTo("0.0000");
    }

    @Test
    void coordinatesAreSeventeenDecimalsTrimmed() {
        assertThat(GeoFormat.coordinate(180)).isEqualTo("180");
        assertThat(GeoFormat.coordinate(0.5)).isEqualTo("0.5");
        assertThat(GeoFormat.coordinate(-0.0)).isEqualTo("0");
        assertThat(GeoFormat.coordinate(-1e-20)).isEqualTo("0");
        assertThat(GeoFormat.coordinate(85.05112878)).isEqualTo("85.0511287799999991");
        assertThat(GeoFormat.coordinate(-179.99999731779098511)).isEqualTo("-179.99999731779098511");
    }

    @Test
    void printfFixedSix() {
        assertThat(GeoFormat.fixed6(200)).isEqualTo("200.000000");
        assertThat(GeoFormat.fixed6(-1e-7)).isEqualTo("-0.000000");
        assertThat(GeoFormat.fixed6(-0.0)).isEqualTo("-0.000000");
        assertThat(GeoFormat.fixed6(0.1234565)).isEqualTo("0.123456");
        assertThat(GeoFormat.fixed6(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(GeoFormat.fixed6(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(GeoFormat.fixed6(1e22)).isEqualTo("10000000000000000000000.000000");
    }
}
