package io.larder.node.commands.string;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * INCRBYFLOAT over a fixed pseudo-random sample of operands (many digits, wide exponents, ties near the 17th
 * decimal, chains of sums), compared reply for reply with redis-server's x87 long double arithmetic.
 */
class IncrByFloatOracleTest extends OracleTestBase {

    @Test
    void randomSumsMatchRedis() throws IOException {
        Random random = new Random(20261127L);
        List<String> mismatches = new ArrayList<>();
        try (RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            for (int i = 0; i < 400; i++) {
                String key = "k" + (i % 7); // keys accumulate chains of sums
                String operand = operand(random);
                String want = new String(expected.call("INCRBYFLOAT", key, operand), StandardCharsets.UTF_8);
                String got = new String(actual.call("INCRBYFLOAT", key, operand), StandardCharsets.UTF_8);
                if (!want.equals(got)) {
                    mismatches.add(key + " += " + operand + "\n  redis:  " + want.strip() + "\n  larder: " + got.strip());
                }
                if (random.nextInt(10) == 0) {
                    expected.call("DEL", key);
                    actual.call("DEL", key);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static String operand(Random random) {
        StringBuilder s = new StringBuilder();
        if (random.nextBoolean()) {
            s.append('-');
        }
        int intDigits = random.nextInt(22);
        for (int d = 0; d < intDigits; d++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        if (intDigits == 0 || random.nextBoolean()) {
            s.append('.');
            int fractionDigits = 1 + random.nextInt(25);
            for (int d = 0; d < fractionDigits; d++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
        }
        switch (random.nextInt(6)) {
            case 0 -> s.append('e').append(random.nextInt(700) - 350);
            case 1 -> s.append("e-").append(15 + random.nextInt(6));
            case 2 -> s.append('E').append(random.nextInt(40));
            default -> {
            }
        }
        return s.toString();
    }
}
