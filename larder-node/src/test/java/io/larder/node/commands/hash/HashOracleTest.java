package io.larder.node.commands.hash;

import io.larder.engine.hash.HashValue;
import io.larder.node.testing.JedisOracleTestBase;
import io.larder.node.testing.KeyspaceAccess;
import io.larder.node.testing.LarderServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hashes whose replies cannot be compared byte for byte: table-encoded hashes (their order is the table's),
 * HSCAN iterations, HRANDFIELD's random choices, and the points where the encoding changes.
 */
class HashOracleTest extends JedisOracleTestBase {

    private String encoding(String key) {
        return tunedEncoding(larder, key);
    }

    private static Map<String, String> fields(int from, int to) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            m.put("field:" + i, "value:" + i * 7);
        }
        return m;
    }

    @Test
    void tableEncodedHashComparedAsAMap() {
        both(j -> j.hset("big", fields(0, 600)));
        assertThat(encoding("big")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("big"));
        assertThat(ours.hgetAll("big")).isEqualTo(oracle.hgetAll("big")).hasSize(600);
        assertThat(ours.hlen("big")).isEqualTo(600);
        assertThat(new HashSet<>(ours.hkeys("big"))).isEqualTo(new HashSet<>(oracle.hkeys("big")));
        assertThat(ours.hvals("big")).containsExactlyInAnyOrderElementsOf(oracle.hvals("big"));
        assertThat(ours.hmget("big", "field:5", "nope", "field:599"))
                .isEqualTo(oracle.hmget("big", "field:5", "nope", "field:599"));
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < 600; i += 3) {
            gone.add("field:" + i);
        }
        String[] del = gone.toArray(String[]::new);
        assertThat(ours.hdel("big", del)).isEqualTo(oracle.hdel("big", del)).isEqualTo(200);
        assertThat(ours.hgetAll("big")).isEqualTo(oracle.hgetAll("big")).hasSize(400);
        both(j -> j.hset("big", "field:1", "10"));
        assertThat(ours.hincrBy("big", "field:1", 3)).isEqualTo(oracle.hincrBy("big", "field:1", 3));
        assertThat(ours.hincrByFloat("big", "field:1", 0.5)).isEqualTo(oracle.hincrByFloat("big", "field:1", 0.5));
        assertThat(ours.hsetnx("big", "field:2", "x")).isEqualTo(oracle.hsetnx("big", "field:2", "x"));
        assertThat(ours.hsetnx("big", "field:0", "x")).isEqualTo(oracle.hsetnx("big", "field:0", "x"));
        assertThat(ours.hgetAll("big")).isEqualTo(oracle.hgetAll("big"));
        // deleting every field of a table-encoded hash deletes the key
        both(j -> j.hdel("big", j.hkeys("big").toArray(String[]::new)));
        assertThat(ours.exists("big")).isFalse();
    }

    @Test
    void hscanOfATableVisitsEveryFieldOnceInSeveralSteps() {
        both(j -> j.hset("big", fields(0, 1000)));
        Map<String, String> seen = new HashMap<>();
        String cursor = "0";
        int steps = 0;
        do {
            ScanResult<Map.Entry<String, String>> page = ours.hscan("big", cursor, new ScanParams().count(20));
            for (Map.Entry<String, String> e : page.getResult()) {
                assertThat(seen.put(e.getKey(), e.getValue())).as("visited twice: %s", e.getKey()).isNull();
            }
            cursor = page.getCursor();
            steps++;
        } while (!cursor.equals("0"));
        assertThat(seen).isEqualTo(oracle.hgetAll("big"));
        assertThat(steps).isGreaterThan(10);

        Set<String> matched = new HashSet<>();
        cursor = "0";
        do {
            ScanResult<Map.Entry<String, String>> page =
                    ours.hscan("big", cursor, new ScanParams().match("field:1?").count(50));
            page.getResult().forEach(e -> matched.add(e.getKey()));
            cursor = page.getCursor();
        } while (!cursor.equals("0"));
        assertThat(matched).hasSize(10).allMatch(f -> f.matches("field:1\\d"));
    }

    @Test
    void listpackLimitsAreTheConversionPoints() {
        both(j -> j.hset("conv", fields(0, 512)));
        assertThat(encoding("conv")).isEqualTo("listpack").isEqualTo(oracle.objectEncoding("conv"));
        assertThat(ordered(ours, "HKEYS", "conv")).containsExactlyElementsOf(fields(0, 512).keySet())
                .isEqualTo(ordered(oracle, "HKEYS", "conv"));
        both(j -> j.hset("conv", "field:0", "updated"));
        assertThat(encoding("conv")).isEqualTo("listpack");
        both(j -> j.hset("conv", "one-more", "v"));
        assertThat(encoding("conv")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("conv"));
        // shrinking does not convert back
        both(j -> j.hdel("conv", j.hkeys("conv").stream().limit(500).toArray(String[]::new)));
        assertThat(encoding("conv")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("conv"));

        String v64 = "v".repeat(64);
        String v65 = "v".repeat(65);
        both(j -> j.hset("long", "f", v64));
        assertThat(encoding("long")).isEqualTo("listpack").isEqualTo(oracle.objectEncoding("long"));
        both(j -> j.hset("long", "g", v65));
        assertThat(encoding("long")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("long"));
        assertThat(ours.hgetAll("long")).isEqualTo(oracle.hgetAll("long"));

        both(j -> j.hset("f", "f".repeat(65), "1"));
        assertThat(encoding("f")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("f"));

        // HSETNX on an existing field changes nothing, so a long value does not convert
        both(j -> j.hset("nx", "x", "1"));
        both(j -> j.hsetnx("nx", "x", v65));
        assertThat(encoding("nx")).isEqualTo("listpack").isEqualTo(oracle.objectEncoding("nx"));
        both(j -> j.hsetnx("nx", "y", v65));
        assertThat(encoding("nx")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("nx"));

        // an HINCRBYFLOAT result longer than the value limit converts too
        both(j -> j.hset("small", "n", "1"));
        both(j -> j.hincrByFloat("small", "n", 1e70));
        assertThat(encoding("small")).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("small"));
        assertThat(ours.hget("small", "n")).isEqualTo(oracle.hget("small", "n"));
    }

    @Test
    void thresholdsComeFromTheConfiguration() throws Exception {
        try (LarderServer tuned = LarderServer.start("--hash-max-listpack-entries", "3",
                "--hash-max-listpack-value", "4"); Jedis j = new Jedis("127.0.0.1", tuned.port())) {
            j.hset("a", Map.of("a", "1", "b", "2", "c", "3"));
            assertThat(tunedEncoding(tuned, "a")).isEqualTo("listpack");
            j.hset("a", "x", "y");
            assertThat(tunedEncoding(tuned, "a")).isEqualTo("hashtable");
            j.hset("b", "abcd", "1234");
            assertThat(tunedEncoding(tuned, "b")).isEqualTo("listpack");
            j.hset("b", "abcd", "12345");
            assertThat(tunedEncoding(tuned, "b")).isEqualTo("hashtable");
        }
    }

    /** A reply as the list it is on the wire (Jedis turns some into unordered sets or maps). */
    static List<String> ordered(Jedis j, String command, String... args) {
        List<?> reply = (List<?>) j.sendCommand(Protocol.Command.valueOf(command), args);
        return reply.stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
    }

    private static String tunedEncoding(LarderServer server, String key) {
        return ((HashValue) KeyspaceAccess.value(server, key)).encoding();
    }

    @Test
    void hrandfieldCountsFollowRedisRules() {
        both(j -> j.hset("big", fields(0, 600)));
        both(j -> j.hset("small", fields(0, 10)));
        for (String key : List.of("big", "small")) {
            Map<String, String> all = oracle.hgetAll(key);
            int size = all.size();
            for (int count : new int[] {1, 3, size / 2, size - 1}) {
                List<String> got = ours.hrandfield(key, count);
                assertThat(got).as("%s %d", key, count).hasSize(count).doesNotHaveDuplicates();
                assertThat(all.keySet()).containsAll(got);
            }
            assertThat(new HashSet<>(ours.hrandfield(key, size))).isEqualTo(all.keySet());
            assertThat(ours.hrandfield(key, size + 5)).hasSize(size);
            List<String> repeated = ours.hrandfield(key, -3 * size);
            assertThat(repeated).hasSize(3 * size);
            assertThat(all.keySet()).containsAll(repeated);
            assertThat(new HashSet<>(repeated).size()).as("picks with repetition repeat").isLessThan(3 * size);

            List<Map.Entry<String, String>> pairs = ours.hrandfieldWithValues(key, 5);
            assertThat(pairs).hasSize(5).allMatch(e -> all.get(e.getKey()).equals(e.getValue()));
            assertThat(pairs.stream().map(Map.Entry::getKey).distinct()).hasSize(5);
            List<Map.Entry<String, String>> withRepeats = ours.hrandfieldWithValues(key, -20);
            assertThat(withRepeats).hasSize(20).allMatch(e -> all.get(e.getKey()).equals(e.getValue()));

            Set<String> singles = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String f = ours.hrandfield(key);
                assertThat(all).containsKey(f);
                singles.add(f);
            }
            assertThat(singles.size()).as("single picks vary").isGreaterThan(size == 10 ? 5 : 50);
        }
    }
}
