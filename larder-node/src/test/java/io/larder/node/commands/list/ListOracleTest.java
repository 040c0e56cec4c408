package io.larder.node.commands.list;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random list commands sent to redis-server and Larder alike, replies compared byte for byte; small
 * list-max-listpack-size values make the lists span many chunks, so chunk splits and removals are exercised.
 * OBJECT ENCODING is compared only where the 7.0 oracle and 7.2 agree (it has no listpack lists).
 */
class ListOracleTest extends OracleTestBase {
    @Test
    void randomCommandsReplyAlike() throws Exception {
        for (String fill : new String[] {"3", "-1", "-2"}) {
            for (long seed = 1; seed <= 3; seed++) {
                compare(fill, seed * 31 + fill.hashCode());
            }
        }
    }

    private void compare(String fill, long seed) throws Exception {
        try (RawClient oracle = new RawClient(redis.port()); RawClient ours = new RawClient(larder.port())) {
            for (RawClient c : List.of(oracle, ours)) {
                c.call("FLUSHALL");
                c.call("CONFIG", "SET", "list-max-listpack-size", fill);
            }
            Random random = new Random(seed);
            for (int step = 0; step < 3000; step++) {
                String[] command = randomCommand(random);
                byte[] expected = oracle.call(command);
                byte[] actual = ours.call(command);
                assertThat(text(actual)).as("fill %s seed %d step %d: %s", fill, seed, step, String.join(" ", command))
                        .isEqualTo(text(expected));
            }
            for (String key : new String[] {"a", "b"}) {
                assertThat(text(ours.call("LRANGE", key, "0", "-1"))).isEqualTo(text(oracle.call("LRANGE", key, "0", "-1")));
                assertThat(text(ours.call("DEBUG", "DIGEST-VALUE", key)))
                        .isEqualTo(text(oracle.call("DEBUG", "DIGEST-VALUE", key)));
            }
            ours.call("CONFIG", "SET", "list-max-listpack-size", "-2");
        }
    }

    private static String[] randomCommand(Random r) {
        String key = r.nextBoolean() ? "a" : "b";
        String other = r.nextBoolean() ? "a" : "b";
        String e = element(r);
        String i = Integer.toString(r.nextInt(80) - 40);
        String j = Integer.toString(r.nextInt(80) - 40);
        String end = r.nextBoolean() ? "LEFT" : "RIGHT";
        return switch (r.nextInt(16)) {
            case 0, 1 -> pushes(r, "LPUSH", key);
            case 2, 3 -> pushes(r, "RPUSH", key);
            case 4 -> new String[] {"LPOP", key, Integer.toString(r.nextInt(4))};
            case 5 -> new String[] {"RPOP", key};
            case 6 -> new String[] {"LINSERT", key, r.nextBoolean() ? "BEFORE" : "AFTER", element(r), e};
            case 7 -> new String[] {"LSET", key, i, e};
            case 8 -> new String[] {"LREM", key, Integer.toString(r.nextInt(5) - 2), e};
            case 9 -> r.nextInt(4) == 0 ? new String[] {"LTRIM", key, i, j} : new String[] {"LLEN", key};
            case 10 -> new String[] {"LRANGE", key, i, j};
            case 11 -> new String[] {"LINDEX", key, i};
            case 12 -> new String[] {"LPOS", key, e, "RANK", r.nextBoolean() ? "-1" : "2", "COUNT", Integer.toString(r.nextInt(3))};
            case 13 -> new String[] {"LMOVE", key, other, end, r.nextBoolean() ? "LEFT" : "RIGHT"};
            case 14 -> new String[] {"LMPOP", "2", key, other, end, "COUNT", Integer.toString(1 + r.nextInt(3))};
            default -> new String[] {"LRANGE", key, "0", "-1"};
        };
    }

    private static String[] pushes(Random r, String command, String key) {
        List<String> args = new ArrayList<>(List.of(command, key));
        int n = 1 + r.nextInt(6);
        for (int k = 0; k < n; k++) {
            args.add(element(r));
        }
        return args.toArray(String[]::new);
    }

    private static String element(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.toString(r.nextInt(10));
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "x".repeat(r.nextInt(3000));
            default -> "e" + r.nextInt(5);
        };
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }
}
