package io.larder.engine.set;

import io.larder.engine.util.Sampling;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The intset and listpack forms, Redis 7.2's conversion rules, and agreement with a set model. */
class SetValueTest {
    private static final SetLimits DEFAULT = new SetLimits(512, 128, 64);

    @Test
    void intsetKeepsIntegersSortedAndReadsThemStrictly() {
        SetValue s = SetValue.create(b("5"), 4, DEFAULT);
        for (String m : List.of("5", "-3", "100", "0", "5", "9223372036854775807", "-9223372036854775808")) {
            s.add(b(m), DEFAULT);
        }
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(members(s)).containsExactly("-9223372036854775808", "-3", "0", "5", "100", "9223372036854775807");
        assertThat(s.contains(b("100"))).isTrue();
        assertThat(s.contains(b("0100"))).as("not string2ll's form of 100").isFalse();
        assertThat(s.contains(b("x"))).isFalse();
        assertThat(s.remove(b("+5"))).isFalse();
        assertThat(s.remove(b("5"))).isTrue();
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.memberAt(0)).isEqualTo(b("-9223372036854775808"));
    }

    @Test
    void nonCanonicalIntegersAreStrings() {
        SetValue s = SetValue.create(b("007"), 1, DEFAULT);
        s.add(b("007"), DEFAULT);
        assertThat(s.encoding()).isEqualTo("listpack");
        SetValue big = SetValue.create(b("9223372036854775808"), 1, DEFAULT);
        assertThat(big.encoding()).isEqualTo("listpack");
    }

    @Test
    void createPicksTheEncodingFromTheFirstMemberAndTheSizeHint() {
        assertThat(SetValue.create(b("1"), 512, DEFAULT).encoding()).isEqualTo("intset");
        assertThat(SetValue.create(b("1"), 513, DEFAULT).encoding()).isEqualTo("hashtable");
        assertThat(SetValue.create(b("1"), 11, new SetLimits(10, 128, 64)).encoding()).isEqualTo("listpack");
        assertThat(SetValue.create(b("x"), 128, DEFAULT).encoding()).isEqualTo("listpack");
        assertThat(SetValue.create(b("x"), 129, DEFAULT).encoding()).isEqualTo("hashtable");
        assertThat(SetValue.empty().encoding()).isEqualTo("intset");
    }

    @Test
    void intsetConvertsToListpackOrHashtable() {
        SetValue small = SetValue.create(b("3"), 1, DEFAULT);
        small.add(b("3"), DEFAULT);
        small.add(b("1"), DEFAULT);
        small.add(b("abc"), DEFAULT);
        assertThat(small.encoding()).isEqualTo("listpack");
        assertThat(members(small)).containsExactly("1", "3", "abc");

        SetLimits limits = new SetLimits(4, 3, 5);
        SetValue full = SetValue.empty();
        for (String m : List.of("1", "2", "3", "4")) {
            full.add(b(m), limits);
        }
        assertThat(full.encoding()).isEqualTo("intset");
        full.add(b("5"), limits);
        assertThat(full.encoding()).as("past set-max-intset-entries").isEqualTo("hashtable");

        SetValue wide = SetValue.empty();
        wide.add(b("123456"), limits);
        wide.add(b("x"), limits);
        assertThat(wide.encoding()).as("an integer longer than set-max-listpack-value").isEqualTo("hashtable");

        SetValue crowded = SetValue.empty();
        for (String m : List.of("1", "2", "3")) {
            crowded.add(b(m), limits);
        }
        crowded.add(b("x"), limits);
        assertThat(crowded.encoding()).as("as many members as set-max-listpack-entries").isEqualTo("hashtable");
    }

    @Test
    void listpackConvertsPastItsLimits() {
        SetLimits limits = new SetLimits(512, 3, 5);
        SetValue s = SetValue.create(b("a"), 1, limits);
        for (String m : List.of("a", "b", "c", "a")) {
            s.add(b(m), limits);
        }
        assertThat(s.encoding()).isEqualTo("listpack");
        assertThat(members(s)).containsExactly("a", "b", "c");
        s.remove(b("b"));
        assertThat(members(s)).containsExactly("a", "c");
        s.add(b("b"), limits);
        assertThat(members(s)).containsExactly("a", "c", "b");
        s.add(b("d"), limits);
        assertThat(s.encoding()).isEqualTo("hashtable");

        SetValue longMember = SetValue.create(b("a"), 1, limits);
        longMember.add(b("a"), limits);
        longMember.add(b("abcdef"), limits);
        assertThat(longMember.encoding()).isEqualTo("hashtable");

        SetValue reserved = SetValue.create(b("a"), 1, limits);
        reserved.add(b("a"), limits);
        reserved.reserve(4, limits);
        assertThat(reserved.encoding()).isEqualTo("hashtable");
        assertThat(members(reserved)).containsExactly("a");
    }

    @Test
    void agreesWithASetModelInEveryEncoding() {
        Random random = new Random(7);
        for (boolean integers : new boolean[] {true, false}) {
            for (int universe : new int[] {50, 400, 2000}) {
                SetValue s = SetValue.empty();
                Set<String> model = new LinkedHashSet<>();
                for (int step = 0; step < 6000; step++) {
                    int n = random.nextInt(universe) - universe / 2;
                    String m = integers ? Integer.toString(n) : "m" + n;
                    if (random.nextInt(3) == 0) {
                        assertThat(s.remove(b(m))).isEqualTo(model.remove(m));
                    } else {
                        assertThat(s.add(b(m), DEFAULT)).isEqualTo(model.add(m));
                    }
                    assertThat(s.size()).isEqualTo(model.size());
                }
                assertThat(new HashSet<>(members(s))).isEqualTo(model);
                for (int n = -universe; n < universe; n += 7) {
                    String m = integers ? Integer.toString(n) : "m" + n;
                    assertThat(s.contains(b(m))).isEqualTo(model.contains(m));
                }
                if (s.encoding().equals("listpack")) {
                    assertThat(members(s)).containsExactlyElementsOf(model);
                }
                if (!s.isCompact()) {
                    Set<String> scanned = new HashSet<>();
                    long cursor = 0;
                    do {
                        cursor = s.scanStep(cursor, m -> scanned.add(new String(m, StandardCharsets.UTF_8)));
                    } while (cursor != 0);
                    assertThat(scanned).isEqualTo(model);
                }
                if (s.size() > 3) {
                    int[] sample = Sampling.distinct(s, 3, random);
                    Set<String> picked = new HashSet<>();
                    for (int p : sample) {
                        picked.add(new String(s.memberAt(p), StandardCharsets.UTF_8));
                    }
                    assertThat(picked).hasSize(3);
                    assertThat(model).containsAll(picked);
                }
            }
        }
    }

    private static List<String> members(SetValue s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
        return out;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
