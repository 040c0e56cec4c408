package io.larder.engine.geo;

import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The search area, the search itself against a brute-force scan, and the two result orders. */
class SearchTest {
    private static final ZSetLimits LIMITS = new ZSetLimits(128, 64);

    @Test
    void stepEstimates() {
        assertThat(SearchArea.estimateStep(0, 0)).isEqualTo(26);
        assertThat(SearchArea.estimateStep(1_000_000, 0)).isEqualTo(4);
        assertThat(SearchArea.estimateStep(1_000_000, 70)).isEqualTo(3);
        assertThat(SearchArea.estimateStep(1_000_000, -81)).isEqualTo(2);
        assertThat(SearchArea.estimateStep(1, 0)).isEqualTo(24);
        assertThat(SearchArea.estimateStep(0.001, 0)).isEqualTo(26);
        assertThat(SearchArea.estimateStep(5e7, 0)).isEqualTo(1);
        assertThat(SearchArea.estimateStep(Double.POSITIVE_INFINITY, 0)).isEqualTo(1);
    }

    /** Every point inside the shape is found, whatever the encoding, the radius or the box. */
    @Test
    void findsWhatABruteForceScanFinds() {
        SplittableRandom random = new SplittableRandom(31);
        for (int size : new int[] {50, 2000}) {
            ZSetValue z = ZSetValue.create(size, 8, LIMITS);
            for (int i = 0; i < size; i++) {
                double lon = random.nextDouble(-20, 20);
                double lat = random.nextDouble(-20, 20);
                z.put(("m" + i).getBytes(StandardCharsets.US_ASCII), GeoHash.score(lon, lat), LIMITS);
            }
            for (int round = 0; round < 200; round++) {
                double lon = random.nextDouble(-25, 25);
                double lat = random.nextDouble(-25, 25);
                GeoShape shape = random.nextBoolean()
                        ? GeoShape.circle(lon, lat, random.nextDouble(0, 3000), 1000)
                        : GeoShape.box(lon, lat, random.nextDouble(0, 3000), random.nextDouble(0, 3000), 1000);
                GeoSearch found = GeoSearch.run(z, shape, 0);
                List<String> expected = new ArrayList<>();
                double[] xy = new double[2];
                z.forEach((member, score) -> {
                    GeoHash.decode(score, xy);
                    if (!Double.isNaN(shape.distanceIfWithin(xy[0], xy[1]))) {
                        expected.add(new String(member, StandardCharsets.US_ASCII));
                    }
                    return true;
                });
                List<String> got = new ArrayList<>();
                for (int i = 0; i < found.size(); i++) {
                    got.add(new String(found.member(i), StandardCharsets.US_ASCII));
                }
                assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
                GeoSearch limited = GeoSearch.run(z, shape, 3);
                assertThat(limited.size()).isEqualTo(Math.min(3, expected.size()));
            }
        }
    }

    @Test
    void stableSortKeepsTiesInOrder() {
        double[] keys = {3, 1, 2, 1, 3, 1};
        int[] order = {0, 1, 2, 3, 4, 5};
        ResultOrder.stableSort(order, order.length, (a, b) -> Double.compare(keys[a], keys[b]));
        assertThat(order).containsExactly(1, 3, 5, 2, 0, 4);
        int[] descending = {0, 1, 2, 3, 4, 5};
        ResultOrder.stableSort(descending, 6, (a, b) -> -Double.compare(keys[a], keys[b]));
        assertThat(descending).containsExactly(0, 4, 2, 1, 3, 5);
    }

    /** The wanted positions hold what a full sort puts there, for every size and prefix. */
    @Test
    void partialSortOrdersTheWantedPrefix() {
        SplittableRandom random = new SplittableRandom(32);
        for (int round = 0; round < 2000; round++) {
            int n = 1 + random.nextInt(random.nextBoolean() ? 10 : 300);
            double[] keys = new double[n];
            for (int i = 0; i < n; i++) {
                keys[i] = random.nextInt(random.nextBoolean() ? 5 : 1000);
            }
            int wanted = 1 + random.nextInt(n);
            int[] order = new int[n];
            Arrays.setAll(order, i -> i);
            ResultOrder.partialSort(order, n, (a, b) -> Double.compare(keys[a], keys[b]), 0, wanted - 1);
            double[] sorted = keys.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < wanted; i++) {
                assertThat(keys[order[i]]).isEqualTo(sorted[i]);
            }
            assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(Arrays.stream(order).sorted().distinct().toArray())
                    .hasSize(n);
        }
    }

    /**
     * pqsort's own order of ties, as Redis returned it: twelve members at one spot (found in member order) and
     * COUNT 3 gave a12 a02 a03; with two farther members found after them, DESC COUNT 3 gave far2 far1 a03.
     */
    @Test
    void partialSortMovesTiesAsRedisDoes() {
        double[] keys = new double[14];
        keys[12] = 1;
        keys[13] = 2;
        int[] order = new int[12];
        Arrays.setAll(order, i -> i);
        ResultOrder.partialSort(order, 12, (a, b) -> Double.compare(keys[a], keys[b]), 0, 2);
        assertThat(Arrays.copyOf(order, 3)).containsExactly(11, 1, 2);
        Arrays.setAll(order, i -> i);
        ResultOrder.partialSort(order, 12, (a, b) -> Double.compare(keys[a], keys[b]), 0, 10);
        assertThat(Arrays.copyOf(order, 11)).containsExactly(11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        int[] withFar = new int[14];
        Arrays.setAll(withFar, i -> i);
        ResultOrder.partialSort(withFar, 14, (a, b) -> -Double.compare(keys[a], keys[b]), 0, 2);
        assertThat(Arrays.copyOf(withFar, 3)).containsExactly(13, 12, 2);
    }
}
