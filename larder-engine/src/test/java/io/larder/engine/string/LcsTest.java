package io.larder.engine.string;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** LCS results as redis-server 7.0 gives them (the IDX ranges were read from LCS ... IDX WITHMATCHLEN). */
class LcsTest {
    @Test
    void documentedExample() {
        Lcs lcs = lcs("ohmytext", "mynewtext");
        assertThat(lcs.length()).isEqualTo(6);
        Lcs.Result result = lcs.walk();
        assertThat(new String(result.sequence(), StandardCharsets.US_ASCII)).isEqualTo("mytext");
        assertThat(result.matches()).containsExactly(new Lcs.Match(4, 7, 5, 8), new Lcs.Match(2, 3, 0, 1));
        assertThat(result.matches()).extracting(Lcs.Match::length).containsExactly(4, 2);
    }

    @Test
    void walksBackLikeRedisWhenPathsTie() {
        Lcs.Result result = lcs("abcabcabcabc", "cbacbacbacba").walk();
        assertThat(new String(result.sequence(), StandardCharsets.US_ASCII)).isEqualTo("cbacabc");
        assertThat(result.matches()).containsExactly(
                new Lcs.Match(11, 11, 9, 9), new Lcs.Match(10, 10, 7, 7), new Lcs.Match(9, 9, 5, 5),
                new Lcs.Match(8, 8, 3, 3), new Lcs.Match(6, 6, 2, 2), new Lcs.Match(4, 4, 1, 1),
                new Lcs.Match(2, 2, 0, 0));
    }

    @Test
    void emptyAndDisjointStrings() {
        assertThat(lcs("", "").length()).isZero();
        assertThat(lcs("", "abc").walk().matches()).isEmpty();
        Lcs disjoint = lcs("xxxxxxxx", "yyyy");
        assertThat(disjoint.length()).isZero();
        assertThat(disjoint.walk().sequence()).isEmpty();
    }

    @Test
    void usesOnlyTheGivenLengthOfEachBuffer() {
        byte[] a = "abcZZZZ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "xbcYY".getBytes(StandardCharsets.US_ASCII);
        Lcs lcs = Lcs.of(a, 3, b, 3);
        assertThat(lcs.walk().sequence()).isEqualTo("bc".getBytes(StandardCharsets.US_ASCII));
        assertThat(Lcs.tableCells(3, 3)).isEqualTo(16);
    }

    private static Lcs lcs(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.US_ASCII);
        byte[] y = b.getBytes(StandardCharsets.US_ASCII);
        return Lcs.of(x, x.length, y, y.length);
    }
}
