package io.larder.engine.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases checked against redis-server's KEYS; the node's tests compare whole key sets with the oracle too. */
class GlobTest {
    private static boolean m(String pattern, String string) {
        return Glob.matches(pattern.getBytes(StandardCharsets.ISO_8859_1), string.getBytes(StandardCharsets.ISO_8859_1),
                false);
    }

    @Test
    void basics() {
        assertThat(m("h?llo", "hello")).isTrue();
        assertThat(m("h*llo", "heeeello")).isTrue();
        assertThat(m("h[ae]llo", "hallo")).isTrue();
        assertThat(m("h[^e]llo", "hello")).isFalse();
        assertThat(m("h[a-b]llo", "hbllo")).isTrue();
        assertThat(m("h[b-a]llo", "hbllo")).isTrue(); // reversed range
        assertThat(m("h\\*llo", "h*llo")).isTrue();
        assertThat(m("h\\*llo", "hello")).isFalse();
    }

    @Test
    void emptyStringMatchesOnlyTheEmptyPattern() {
        assertThat(m("", "")).isTrue();
        assertThat(m("*", "")).isFalse();
        assertThat(m("**", "")).isFalse();
        assertThat(m("a*", "a")).isTrue();
        assertThat(m("a**", "a")).isTrue();
    }

    @Test
    void unterminatedClassesAndTrailingBackslash() {
        assertThat(m("hell[o", "hello")).isTrue();
        assertThat(m("hello[", "hello")).isFalse();
        assertThat(m("hell[^", "hello")).isTrue();
        assertThat(m("a\\", "a\\")).isTrue();
        assertThat(m("[a", "a")).isTrue();
        assertThat(m("a[", "a")).isFalse();
        assertThat(m("h[]llo", "hello")).isFalse();
        assertThat(m("h[]ello", "h]ello")).isFalse();
    }

    @Test
    void rangesCompareSignedBytes() {
        // In C, char 0xff is -1: [\x01-\xff] is the range -1..1, which 0xff matches and 'a' does not.
        assertThat(m("[\u0001-\u00ff]?", "\u00ff\u0080")).isTrue();
        assertThat(m("[\u0001-\u00ff]", "a")).isFalse();
        assertThat(m("[\u007f-\u0081]*", "\u00ff\u0080")).isTrue();
    }

    @Test
    void noCase() {
        assertThat(Glob.matches("A[a-c]C".getBytes(), "abc".getBytes(), true)).isTrue();
        assertThat(Glob.matches("A[a-c]C".getBytes(), "abc".getBytes(), false)).isFalse();
    }

    @Test
    void pathologicalPatternsEndQuickly() {
        String s = "a".repeat(60);
        String p = "*a".repeat(30) + "*b";
        long start = System.nanoTime();
        assertThat(m(p, s)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(m("*".repeat(2000) + "a", "a")).isTrue(); // consecutive stars collapse, no nesting
    }
}
