package io.larder.engine.zset;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** ZSetValue in both encodings checked against a plain sorted model through seeded random operation sequences. */
class ZSetValueTest {
    private static final ZSetLimits DEFAULT = new ZSetLimits(128, 64);

    /** The model: a member→score map and the (score, member) order Redis keeps. */
    private record Entry(double score, byte[] member) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Double.compare(score, o.score);
            return score == o.score ? Arrays.compareUnsigned(member, o.member) : c;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void randomOperationsMatchASortedModelInBothEncodings() {
        for (long seed = 1; seed <= 6; seed++) {
            boolean small = seed % 2 == 0;
            run(seed, small ? 60 : 3000, small ? 200 : 20_000);
        }
    }

    private static void run(long seed, int members, int operations) {
        SplittableRandom random = new SplittableRandom(seed);
        ZSetValue z = ZSetValue.create(1, 1, DEFAULT);
        Map<String, Double> scores = new HashMap<>();
        TreeSet<Entry> order = new TreeSet<>();
        for (int op = 0; op < operations; op++) {
            String member = "m" + random.nextInt(members);
            byte[] m = bytes(member);
            int kind = random.nextInt(10);
            Double old = scores.get(member);
            if (kind < 5) {
                // Few distinct scores so that ties, ordered by member, are common.
                double s = random.nextInt(20) - 10 + (random.nextBoolean() ? 0.5 : 0);
                z.put(m, s, DEFAULT);
                if (old != null) {
                    order.remove(new Entry(old, m));
                }
                scores.put(member, s);
                order.add(new Entry(s, m));
            } else if (kind < 8) {
                assertThat(z.remove(m)).isEqualTo(old != null);
                if (old != null) {
                    scores.remove(member);
                    order.remove(new Entry(old, m));
                }
            } else {
                double incr = random.nextInt(7) - 3;
                double s = (old == null ? 0 : old) + incr;
                z.put(m, s, DEFAULT);
                if (old != null) {
                    order.remove(new Entry(old, m));
                }
                scores.put(member, s);
                order.add(new Entry(s, m));
            }
            if (op % 97 == 0 || op == operations - 1) {
                check(z, order, scores, random);
            }
        }
        assertThat(z.encoding()).isEqualTo(members > 128 ? "skiplist" : "listpack");
    }

    private static void check(ZSetValue z, TreeSet<Entry> order, Map<String, Double> scores, SplittableRandom random) {
        List<Entry> expected = new ArrayList<>(order);
        assertThat(z.size()).isEqualTo(expected.size());
        List<Entry> actual = new ArrayList<>();
        z.forEach((m, s) -> actual.add(new Entry(s, m)));
        assertThat(actual).usingElementComparator(Entry::compareTo).containsExactlyElementsOf(expected);
        for (int i = 0; i < expected.size(); i++) {
            Entry e = expected.get(i);
            assertThat(z.rank(e.member())).isEqualTo(i);
            assertThat(z.score(e.member())).isEqualTo(e.score());
        }
        assertThat(z.rank(bytes("absent"))).isEqualTo(-1);
        assertThat(z.score(bytes("absent"))).isNaN();
        for (int k = 0; k < 20; k++) {
            double bound = random.nextInt(24) - 12 + (random.nextBoolean() ? 0.5 : 0);
            long below = expected.stream().filter(e -> e.score() < bound).count();
            long atMost = expected.stream().filter(e -> e.score() <= bound).count();
            assertThat(z.countByScore(bound, false)).isEqualTo(below);
            assertThat(z.countByScore(bound, true)).isEqualTo(atMost);
        }
        if (!expected.isEmpty()) {
            int from = random.nextInt(expected.size());
            int to = from + random.nextInt(expected.size() - from);
            List<Entry> forward = new ArrayList<>();
            z.visit(from, to, false, (m, s) -> forward.add(new Entry(s, m)));
            assertThat(forward).usingElementComparator(Entry::compareTo)
                    .containsExactlyElementsOf(expected.subList(from, to + 1));
            List<Entry> backward = new ArrayList<>();
            z.visit(from, to, true, (m, s) -> backward.add(new Entry(s, m)));
            List<Entry> reversed = new ArrayList<>(expected.subList(from, to + 1));
            java.util.Collections.reverse(reversed);
            assertThat(backward).usingElementComparator(Entry::compareTo).containsExactlyElementsOf(reversed);
        }
    }

    @Test
    void lexCountsWhenAllScoresAreEqual() {
        for (int size : new int[]{50, 1000}) {
            ZSetValue z = ZSetValue.create(1, 1, DEFAULT);
            List<byte[]> all = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(size);
            for (int i = 0; i < size; i++) {
                byte[] m = new byte[1 + random.nextInt(3)];
                for (int j = 0; j < m.length; j++) {
                    m[j] = (byte) random.nextInt(256);
                }
                if (Double.isNaN(z.score(m))) {
                    all.add(m);
                }
                z.put(m, 0, DEFAULT);
            }
            all.sort(Arrays::compareUnsigned);
            for (int k = 0; k < 200; k++) {
                byte[] bound = all.get(random.nextInt(all.size()));
                long below = all.stream().filter(m -> Arrays.compareUnsigned(m, bound) < 0).count();
                assertThat(z.countByMember(bound, false)).isEqualTo(below);
                assertThat(z.countByMember(bound, true)).isEqualTo(below + 1);
            }
        }
    }

    @Test
    void convertsToSkiplistOnCountOrLengthAndCopiesDeeply() {
        ZSetLimits limits = new ZSetLimits(3, 5);
        ZSetValue z = ZSetValue.create(1, 1, limits);
        z.put(bytes("a"), 1, limits);
        z.put(bytes("b"), 2, limits);
        z.put(bytes("c"), 3, limits);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.put(bytes("c"), 4, limits);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.put(bytes("d"), 5, limits);
        assertThat(z.encoding()).isEqualTo("skiplist");

        ZSetValue w = ZSetValue.create(1, 1, limits);
        w.put(bytes("toolong"), 1, limits);
        assertThat(w.encoding()).isEqualTo("skiplist");
        assertThat(ZSetValue.create(4, 1, limits).encoding()).isEqualTo("skiplist");
        assertThat(ZSetValue.create(3, 6, limits).encoding()).isEqualTo("skiplist");

        ZSetValue copy = z.copy();
        copy.put(bytes("a"), 100, limits);
        assertThat(z.score(bytes("a"))).isEqualTo(1);
        assertThat(copy.rank(bytes("a"))).isEqualTo(3);
        assertThat(z.rank(bytes("a"))).isEqualTo(0);
    }
}
