package io.larder.engine.geo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Scores, decoded positions and geohash strings, checked against values read from Redis. */
class GeoHashTest {
    private static String position(double score) {
        double[] xy = new double[2];
        GeoHash.decode(score, xy);
        return GeoFormat.coordinate(xy[0]) + " " + GeoFormat.coordinate(xy[1]);
    }

    private static String hash(double score) {
        return new String(GeoHash.standardHash(score), StandardCharsets.US_ASCII);
    }

    @Test
    void scoresOfKnownPlaces() {
        assertThat(GeoHash.score(13.361389, 38.115556)).isEqualTo(3479099956230698L);
        assertThat(GeoHash.score(0, 0)).isEqualTo(3377699720527872L);
        assertThat(GeoHash.score(-180, -85.05112878)).isZero();
        // The top edge's cell lies past 52 bits, as in Redis.
        assertThat(GeoHash.score(180, 85.05112878)).isEqualTo(13510798882111488L);
    }

    @Test
    void decodedPositionsAndHashes() {
        assertThat(position(3479099956230698L)).isEqualTo("13.36138933897018433 38.11555639549629859");
        assertThat(hash(3479099956230698L)).isEqualTo("sqc8b49rny0");
        assertThat(position(3377699720527872L)).isEqualTo("0.00000268220901489 0.00000126736058093");
        assertThat(hash(3377699720527872L)).isEqualTo("s0000000000");
        assertThat(position(13510798882111488L)).isEqualTo("180 85.0511287799999991");
        assertThat(hash(13510798882111488L)).isEqualTo("bp05b5048p0");
        assertThat(hash(0)).isEqualTo("00bh0hbj200");
    }

    /** Scores no GEOADD writes decode as C's double to uint64_t conversion reads them on x86-64. */
    @Test
    void foreignScores() {
        String bottomLeft = "-179.99999731779098511 -85.05112751263942528";
        String topRight = "180 85.0511287799999991";
        assertThat(position(-1)).isEqualTo(topRight);
        assertThat(position(1e30)).isEqualTo(bottomLeft);
        assertThat(position(Double.POSITIVE_INFINITY)).isEqualTo(bottomLeft);
        assertThat(position(0x1p64)).isEqualTo(bottomLeft);
        assertThat(position(1e19)).isEqualTo(topRight);
        assertThat(position(4503599627370496.0)).isEqualTo("-179.99999731779098511 85.0511287799999991");
        assertThat(GeoHash.scoreBits(1e19)).isEqualTo(Long.parseUnsignedLong("10000000000000000000"));
    }

    @Test
    void decodingInvertsEncodingWithinACell() {
        SplittableRandom random = new SplittableRandom(3);
        double[] xy = new double[2];
        for (int i = 0; i < 10_000; i++) {
            double lon = random.nextDouble(-180, 180);
            double lat = random.nextDouble(GeoHash.LAT_MIN, GeoHash.LAT_MAX);
            long score = GeoHash.score(lon, lat);
            GeoHash.decode(score, xy);
            assertThat(GeoHash.score(xy[0], xy[1])).isEqualTo(score);
            assertThat(Math.abs(xy[0] - lon)).isLessThan(360.0 / (1 << 26));
            assertThat(Math.abs(xy[1] - lat)).isLessThan(171.0 / (1 << 26));
        }
    }

    @Test
    void interleavingRoundTrips() {
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 1000; i++) {
            long lat = random.nextLong() & 0xffffffffL;
            long lon = random.nextLong() & 0xffffffffL;
            assertThat(GeoHash.deinterleave(GeoHash.interleave(lat, lon))).isEqualTo(lat | (lon << 32));
        }
        assertThat(GeoHash.interleave(1, 0)).isEqualTo(1);
        assertThat(GeoHash.interleave(0, 1)).isEqualTo(2);
    }

    /** Neighbours wrap around the antimeridian (and, as in Redis, over the poles). */
    @Test
    void neighboursWrap() {
        int step = 3;
        long westEdge = GeoHash.encode(-179.9, 0, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        long eastEdge = GeoHash.encode(179.9, 0, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        assertThat(GeoHash.move(westEdge, step, -1, 0)).isEqualTo(eastEdge);
        assertThat(GeoHash.move(eastEdge, step, 1, 0)).isEqualTo(westEdge);
        long top = GeoHash.encode(0, 85, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        long bottom = GeoHash.encode(0, -85, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        assertThat(GeoHash.move(top, step, 0, 1)).isEqualTo(bottom);
        long centre = GeoHash.encode(10, 10, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        assertThat(GeoHash.move(GeoHash.move(centre, step, 1, 1), step, -1, -1)).isEqualTo(centre);
        GeoHash.Cell c = GeoHash.cell(centre, step);
        GeoHash.Cell east = GeoHash.cell(GeoHash.move(centre, step, 1, 0), step);
        assertThat(east.lonMin()).isEqualTo(c.lonMax());
        assertThat(east.latMin()).isEqualTo(c.latMin());
    }

    @Test
    void validity() {
        assertThat(GeoHash.valid(180, 85.05112878)).isTrue();
        assertThat(GeoHash.valid(-180, -85.05112878)).isTrue();
        assertThat(GeoHash.valid(180.0000001, 0)).isFalse();
        assertThat(GeoHash.valid(0, -85.0511288)).isFalse();
        assertThat(GeoHash.valid(Double.NaN, 0)).isFalse();
    }
}
