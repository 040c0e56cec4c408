package io.larder.engine.hash;

import io.larder.engine.util.Sampling;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The compact (listpack) form, its conversion points, and agreement with a map model in both encodings. */
class HashValueTest {
    private static final HashLimits DEFAULT = new HashLimits(512, 64);

    @Test
    void compactFormKeepsInsertionOrderThroughUpdatesAndDeletes() {
        HashValue h = new HashValue();
        assertThat(h.put(b("a"), b("1"), DEFAULT)).isTrue();
        assertThat(h.put(b("b"), b("2"), DEFAULT)).isTrue();
        assertThat(h.put(b("c"), b("3"), DEFAULT)).isTrue();
        assertThat(h.put(b("a"), b("9"), DEFAULT)).isFalse();
        assertThat(h.remove(b("b"))).isTrue();
        assertThat(h.remove(b("b"))).isFalse();
        assertThat(h.put(b("b"), b("4"), DEFAULT)).isTrue();
        assertThat(entries(h)).containsExactly("a=9", "c=3", "b=4");
        assertThat(h.encoding()).isEqualTo("listpack");
        assertThat(h.size()).isEqualTo(3);
        assertThat(s(h.get(b("c")))).isEqualTo("3");
        assertThat(h.get(b("zz"))).isNull();
        assertThat(h.contains(b("a"))).isTrue();
        assertThat(s(h.fieldAt(1))).isEqualTo("c");
        assertThat(s(h.valueAt(1))).isEqualTo("3");
    }

    @Test
    void convertsPastTheEntryLimitOnly() {
        HashLimits limits = new HashLimits(4, 64);
        HashValue h = new HashValue();
        for (int i = 0; i < 4; i++) {
            h.put(b("f" + i), b("v"), limits);
        }
        assertThat(h.encoding()).isEqualTo("listpack");
        h.put(b("f0"), b("w"), limits);
        assertThat(h.encoding()).isEqualTo("listpack");
        h.put(b("f4"), b("v"), limits);
        assertThat(h.encoding()).isEqualTo("hashtable");
        assertThat(h.isCompact()).isFalse();
        h.remove(b("f4"));
        h.remove(b("f3"));
        assertThat(h.encoding()).as("never converts back").isEqualTo("hashtable");
        assertThat(s(h.get(b("f0")))).isEqualTo("w");
        assertThat(h.size()).isEqualTo(3);
    }

    @Test
    void convertsWhenAFieldOrValueIsLongerThanTheValueLimit() {
        HashLimits limits = new HashLimits(512, 3);
        HashValue v = new HashValue();
        v.put(b("abc"), b("123"), limits);
        assertThat(v.encoding()).isEqualTo("listpack");
        v.put(b("abc"), b("1234"), limits);
        assertThat(v.encoding()).isEqualTo("hashtable");
        assertThat(s(v.get(b("abc")))).isEqualTo("1234");
        HashValue f = new HashValue();
        f.put(b("abcd"), b("1"), limits);
        assertThat(f.encoding()).isEqualTo("hashtable");
    }

    @Test
    void agreesWithAMapModelInBothEncodings() {
        Random random = new Random(42);
        for (HashLimits limits : List.of(DEFAULT, new HashLimits(16, 64))) {
            HashValue h = new HashValue();
            Map<String, String> model = new LinkedHashMap<>();
            for (int step = 0; step < 5000; step++) {
                String field = "f" + random.nextInt(60);
                if (random.nextInt(3) == 0) {
                    assertThat(h.remove(b(field))).isEqualTo(model.remove(field) != null);
                } else {
                    String value = "v" + random.nextInt(1000);
                    assertThat(h.put(b(field), b(value), limits)).isEqualTo(!model.containsKey(field));
                    model.put(field, value);
                }
                assertThat(h.size()).isEqualTo(model.size());
            }
            Map<String, String> seen = new HashMap<>();
            h.forEach((f, v) -> seen.put(s(f), s(v)));
            assertThat(seen).isEqualTo(model);
            if (h.isCompact()) {
                List<String> order = new ArrayList<>();
                h.forEach((f, v) -> order.add(s(f)));
                assertThat(order).containsExactlyElementsOf(model.keySet());
            }
        }
    }

    /**
     * The packed compact form with lengths of one, two and three prefix bytes (0 to 20,000 bytes), values that
     * change length in place, and reads at positions, against a model, in insertion order.
     */
    @Test
    void packedFormHoldsAnyLengthsInPlace() {
        Random random = new Random(7);
        HashLimits roomy = new HashLimits(512, 1 << 20);
        HashValue h = new HashValue();
        Map<String, String> model = new LinkedHashMap<>();
        int[] lengths = {0, 1, 127, 128, 129, 300, 16_383, 16_384, 20_000};
        for (int step = 0; step < 3000; step++) {
            String field = "f".repeat(1 + random.nextInt(3)) + random.nextInt(40);
            if (random.nextInt(4) == 0) {
                assertThat(h.remove(b(field))).isEqualTo(model.remove(field) != null);
            } else {
                String value = String.valueOf((char) ('a' + random.nextInt(26))).repeat(lengths[random.nextInt(lengths.length)]);
                assertThat(h.put(b(field), b(value), roomy)).isEqualTo(!model.containsKey(field));
                model.put(field, value);
            }
            String probe = "f" + random.nextInt(40);
            assertThat(h.get(b(probe))).isEqualTo(model.containsKey(probe) ? b(model.get(probe)) : null);
        }
        assertThat(h.isCompact()).isTrue();
        List<String> fields = new ArrayList<>(model.keySet());
        for (int p = 0; p < fields.size(); p++) {
            assertThat(s(h.fieldAt(p))).isEqualTo(fields.get(p));
            assertThat(s(h.valueAt(p))).isEqualTo(model.get(fields.get(p)));
        }
        HashValue copy = h.copy();
        copy.put(b("extra"), b("x"), roomy);
        assertThat(h.contains(b("extra"))).isFalse();
        assertThat(copy.size()).isEqualTo(h.size() + 1);
    }

    @Test
    void tableScanCoversEveryFieldAndPositionsAddressEntries() {
        HashValue h = new HashValue();
        for (int i = 0; i < 1000; i++) {
            h.put(b("f" + i), b("v" + i), DEFAULT);
        }
        Set<String> scanned = new HashSet<>();
        long cursor = 0;
        do {
            cursor = h.scanStep(cursor, (f, v) -> assertThat(scanned.add(s(f))).isTrue());
        } while (cursor != 0);
        assertThat(scanned).hasSize(1000);

        int[] positions = h.positions();
        assertThat(positions).hasSize(1000);
        for (int p : positions) {
            assertThat(s(h.valueAt(p))).isEqualTo("v" + s(h.fieldAt(p)).substring(1));
        }
        int[] sample = Sampling.distinct(h, 10, new Random(1));
        assertThat(sample).hasSize(10).doesNotHaveDuplicates();
        int[] most = Sampling.distinct(h, 900, new Random(1));
        assertThat(most).hasSize(900).doesNotHaveDuplicates();
    }

    private static List<String> entries(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((f, v) -> out.add(s(f) + "=" + s(v)));
        return out;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
