package io.larder.engine.geo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GeoDistanceTest {
    @Test
    void knownDistances() {
        double[] palermo = new double[2];
        double[] catania = new double[2];
        GeoHash.decode(GeoHash.score(13.361389, 38.115556), palermo);
        GeoHash.decode(GeoHash.score(15.087269, 37.502669), catania);
        // Redis's documented GEODIST Sicily Palermo Catania: 166274.1516 m.
        double d = GeoDistance.between(palermo[0], palermo[1], catania[0], catania[1]);
        assertThat(new String(GeoFormat.distance(d), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("166274.1516");
        assertThat(GeoDistance.between(0, 0, 180, 0))
                .isCloseTo(Math.PI * GeoDistance.EARTH_RADIUS_IN_METERS, within(1e-6));
        assertThat(GeoDistance.between(1, 2, 1, 2)).isZero();
    }

    /** Redis 7.2's shortcut: on one meridian the distance is the latitude difference, not the haversine. */
    @Test
    void equalLongitudesUseTheLatitudeDifference() {
        double expected = GeoDistance.EARTH_RADIUS_IN_METERS
                * Math.abs(GeoDistance.radians(10.123) - GeoDistance.radians(-20.456));
        assertThat(GeoDistance.between(33.3, -20.456, 33.3, 10.123)).isEqualTo(expected);
        assertThat(GeoDistance.latitudeDistance(-20.456, 10.123)).isEqualTo(expected);
    }

    @Test
    void shapes() {
        GeoShape circle = GeoShape.circle(0, 0, 100, 1000);
        double meridianDegree = GeoDistance.EARTH_RADIUS_IN_METERS * GeoDistance.radians(1);
        assertThat(circle.distanceIfWithin(0, 0.8)).isCloseTo(0.8 * meridianDegree, within(1e-6));
        assertThat(circle.distanceIfWithin(0, 0.9)).isNaN();
        GeoShape box = GeoShape.box(0, 0, 200, 100, 1000);
        assertThat(box.distanceIfWithin(0.8, 0.4)).isCloseTo(99_484, within(50.0));
        assertThat(box.distanceIfWithin(0.8, 0.5)).isNaN();
        assertThat(box.distanceIfWithin(0.95, 0)).isNaN();
        double[] bounds = GeoShape.box(10, 40, 200, 100, 1000).bounds();
        assertThat(bounds[1]).isCloseTo(40 - 0.4495, within(1e-3));
        assertThat(bounds[3]).isCloseTo(40 + 0.4495, within(1e-3));
        // Northern hemisphere: the longitude span is taken at the poleward (northern) edge, the wider one.
        assertThat(bounds[2] - 10).isGreaterThan(GeoDistance.degrees(100_000 / GeoDistance.EARTH_RADIUS_IN_METERS)
                / Math.cos(GeoDistance.radians(40)));
    }
}
