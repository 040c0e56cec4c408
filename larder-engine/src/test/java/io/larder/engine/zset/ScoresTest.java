package io.larder.engine.zset;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScoresTest {
    private static double strict(String s) throws Scores.NotAScore {
        return Scores.parseStrict(s.getBytes(StandardCharsets.US_ASCII), 0);
    }

    private static double lenient(String s) throws Scores.NotAScore {
        return Scores.parseLenient(s.getBytes(StandardCharsets.US_ASCII), 0);
    }

    @Test
    void strictReadsWhatStrtodReads() throws Exception {
        assertThat(strict("1")).isEqualTo(1);
        assertThat(strict("+5")).isEqualTo(5);
        assertThat(strict(".5")).isEqualTo(0.5);
        assertThat(strict("5.")).isEqualTo(5);
        assertThat(strict("-1e2")).isEqualTo(-100);
        assertThat(strict("0x10")).isEqualTo(16);
        assertThat(strict("0x1.8p1")).isEqualTo(3);
        assertThat(strict("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(strict("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(strict("1e-310")).isEqualTo(1e-310); // subnormal, not zero: accepted
    }

    @Test
    void strictRefusals() {
        for (String bad : new String[]{"", " 1", "1 ", "abc", "nan", "1e400", "1e-400", "1e", "+", "-", "0x", "1.2.3",
                "infinit", "1d"}) {
            assertThatThrownBy(() -> strict(bad)).as(bad).isInstanceOf(Scores.NotAScore.class);
        }
    }

    @Test
    void lenientAcceptsWhatRangeParsingAccepts() throws Exception {
        assertThat(lenient("")).isEqualTo(0);
        assertThat(lenient(" 3")).isEqualTo(3);
        assertThat(lenient("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> lenient("nan")).isInstanceOf(Scores.NotAScore.class);
        assertThatThrownBy(() -> lenient("3 ")).isInstanceOf(Scores.NotAScore.class);
        assertThatThrownBy(() -> lenient(" ")).isInstanceOf(Scores.NotAScore.class);
    }

    private static double sortValue(String s) throws Scores.NotAScore {
        return Scores.parseSortValue(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void sortValueAcceptsSpaceAndEmptyButNotOverflowOrNan() throws Exception {
        assertThat(sortValue("")).isEqualTo(0);
        assertThat(sortValue(" 7")).isEqualTo(7);
        assertThat(sortValue("0x10")).isEqualTo(16);
        assertThat(sortValue("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        for (String bad : new String[]{" ", "7 ", "abc", "nan", "1e400", "-1e400", "1e-400", "1x"}) {
            assertThatThrownBy(() -> sortValue(bad)).as(bad).isInstanceOf(Scores.NotAScore.class);
        }
    }
}
