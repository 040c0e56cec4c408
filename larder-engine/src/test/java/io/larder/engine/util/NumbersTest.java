package io.larder.engine.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NumbersTest {
    @Test
    void toBytesWritesTheDecimalFormOfEveryLong() {
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1L << 62};
        for (long v : edges) {
            assertThat(new String(Numbers.toBytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertThat(new String(Numbers.toBytes(v), StandardCharsets.US_ASCII)).as("%d", v).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void parseLongIsStrictLikeString2ll() throws Exception {
        assertThat(Numbers.parseLong("-9223372036854775808".getBytes())).isEqualTo(Long.MIN_VALUE);
        assertThat(Numbers.parseLong("9223372036854775807".getBytes())).isEqualTo(Long.MAX_VALUE);
        assertThat(Numbers.parseLong("0".getBytes())).isZero();
        for (String bad : new String[]{"", "-", "+1", " 1", "1 ", "01", "-0", "9223372036854775808", "1e3", "0x10"}) {
            assertThatThrownBy(() -> Numbers.parseLong(bad.getBytes())).as(bad).isInstanceOf(Numbers.NotANumber.class);
        }
    }
}
