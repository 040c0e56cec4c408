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
            int[] permutation = order.clone();
            Arrays.sort(permutation);
            for (int i = 0; i < n; i++) {
                assertThat(permutation[i]).isEqualTo(i);
            }
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

    /**
     * Redis's pqsort has no switch to insertion sort after a partition without swaps (NetBSD's has): with it,
     * these 82 distances (a real search's, in the order found, sixteen of them tied) sorted DESC with COUNT 15
     * would give other tied members than Redis's p79 p73 p67 p61 p58 p43 p38 p29 p27 p17 p10 p1.
     */
    @Test
    void partialSortHasNoInsertionSortShortcut() {
        String[] names = ("p24 p42 p49 p72 p70 p85 p47 p86 p64 p87 p22 p31 p52 p59 p32 p20 p6 p15 p57 p65 p37 "
                + "p9 p53 p25 p50 p28 p77 p48 p4 p33 p21 p11 p69 p18 p54 p60 p7 p2 p82 p80 p63 p55 p36 "
                + "p46 p75 p89 p84 p74 p12 p40 p66 p34 p51 p88 p62 p76 p26 p68 p41 p39 p78 p3 p0 p1 p10 "
                + "p17 p27 p29 p35 p38 p43 p58 p61 p67 p73 p79 p8 p83 p56 p19 p71 p5").split(" ");
        double[] keys = {
                0.0, 2182908.9726, 6942198.4889, 7091702.5555, 7360327.8357, 7367992.5557, 7332530.1165, 7437931.6919,
                7595632.7097, 7414635.4144, 7444347.5812, 2401148.4857, 2592774.4343, 2642820.025, 3056709.6936,
                2922378.6863, 2972177.7035, 5750613.6566, 7047914.8444, 9555975.7686, 10652079.5959, 11687869.093,
                7934120.443, 7923611.4217, 13044680.3736, 13046071.0252, 13046535.3568, 13048157.6226, 13045202.0027,
                13044068.545, 13046515.1109, 13045937.2926, 13050093.921, 13049128.3303, 13051248.1753, 13051692.023,
                13053808.7967, 13048808.4541, 13048212.886, 13051690.3409, 13053584.0066, 16911425.962, 13972383.2822,
                14142067.5238, 14186225.4049, 7236263.5906, 9812527.0854, 10009622.9696, 10579373.4247, 2739045.1855,
                2371841.1865, 2137669.931, 1956924.5412, 1375632.3102, 7232387.4487, 7357516.0116, 7777154.8903,
                12575021.4099, 14683119.0101, 12812361.8977, 12326301.6239, 13853670.8848, 14581778.5907, 14581778.5907,
                14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907,
                14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907, 14581778.5907,
                9380356.6077, 8584425.7874, 8799846.503, 16812719.0821
        };
        int[] order = new int[keys.length];
        Arrays.setAll(order, i -> i);
        ResultOrder.partialSort(order, keys.length, (a, b) -> -Double.compare(keys[a], keys[b]), 0, 14);
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < 15; i++) {
            top.append(names[order[i]]).append(' ');
        }
        assertThat(top.toString().trim())
                .isEqualTo("p55 p5 p41 p79 p73 p67 p61 p58 p43 p38 p29 p27 p17 p10 p1");
    }
}
