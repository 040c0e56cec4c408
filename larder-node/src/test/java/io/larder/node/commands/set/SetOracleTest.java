package io.larder.node.commands.set;

import io.larder.engine.set.SetValue;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sets whose replies cannot be compared byte for byte with the 7.0 oracle: table-encoded sets, sets of
 * strings (the oracle has no listpack sets, Redis 7.2 and Larder do), SSCAN iterations, SPOP/SRANDMEMBER's
 * random choices, and the encoding conversion points.
 */
class SetOracleTest extends JedisOracleTestBase {

    private SetValue value(String key) {
        return (SetValue) KeyspaceAccess.value(larder, key);
    }

    private List<String> members(String key) {
        return ordered("SMEMBERS", key);
    }

    /** A Larder reply in wire order (Jedis turns set replies into unordered sets). */
    private List<String> ordered(String command, String... args) {
        List<?> reply = (List<?>) ours.sendCommand(Protocol.Command.valueOf(command), args);
        return reply.stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
    }

    private static String[] words(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toArray(String[]::new);
    }

    private static String[] ints(int from, int to, int step) {
        return IntStream.iterate(from, i -> i < to, i -> i + step).mapToObj(Integer::toString).toArray(String[]::new);
    }

    @Test
    void largeSetsComparedAsSets() {
        both(j -> j.sadd("a", words("m", 0, 300)));
        both(j -> j.sadd("b", words("m", 200, 600)));
        both(j -> j.sadd("c", ints(0, 2000, 3)));
        both(j -> j.sadd("d", ints(0, 2000, 2)));
        assertThat(value("a").encoding()).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("a"));
        assertThat(value("c").encoding()).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("c"));
        for (String key : List.of("a", "b", "c", "d")) {
            assertThat(ours.smembers(key)).isEqualTo(oracle.smembers(key));
            assertThat(ours.scard(key)).isEqualTo(oracle.scard(key));
        }
        for (String[] keys : List.of(new String[] {"a", "b"}, new String[] {"c", "d"}, new String[] {"b", "a", "c"},
                new String[] {"d", "c", "a"})) {
            assertThat(ours.sinter(keys)).isEqualTo(oracle.sinter(keys));
            assertThat(ours.sunion(keys)).isEqualTo(oracle.sunion(keys));
            assertThat(ours.sdiff(keys)).isEqualTo(oracle.sdiff(keys));
            assertThat(ours.sintercard(keys)).isEqualTo(oracle.sintercard(keys));
            assertThat(ours.sintercard(7, keys)).isEqualTo(oracle.sintercard(7, keys));
            assertThat(ours.sinterstore("dst", keys)).isEqualTo(oracle.sinterstore("dst", keys));
            assertThat(ours.smembers("dst")).isEqualTo(oracle.smembers("dst"));
            assertThat(ours.sunionstore("dst", keys)).isEqualTo(oracle.sunionstore("dst", keys));
            assertThat(ours.smembers("dst")).isEqualTo(oracle.smembers("dst"));
            assertThat(ours.sdiffstore("dst", keys)).isEqualTo(oracle.sdiffstore("dst", keys));
            assertThat(ours.smembers("dst")).isEqualTo(oracle.smembers("dst"));
        }
        assertThat(ours.smismember("a", "m1", "m299", "m300", "x")).isEqualTo(oracle.smismember("a", "m1", "m299", "m300", "x"));
        assertThat(ours.smove("a", "b", "m1")).isEqualTo(oracle.smove("a", "b", "m1"));
        assertThat(ours.smove("a", "c", "m2")).isEqualTo(oracle.smove("a", "c", "m2"));
        String[] removed = words("m", 0, 250);
        assertThat(ours.srem("a", removed)).isEqualTo(oracle.srem("a", removed));
        assertThat(ours.smembers("a")).isEqualTo(oracle.smembers("a"));
        assertThat(ours.smembers("c")).isEqualTo(oracle.smembers("c"));
        both(j -> j.srem("a", j.smembers("a").toArray(String[]::new)));
        assertThat(ours.exists("a")).isFalse();
    }

    @Test
    void smallStringSetsAreListpacksInInsertionOrder() {
        // Redis 7.2 behaviour (the 7.0 oracle has no listpack sets), so the oracle only checks the contents.
        both(j -> j.sadd("words", "pear", "apple", "fig"));
        both(j -> j.sadd("words", "kiwi", "apple"));
        assertThat(value("words").encoding()).isEqualTo("listpack");
        assertThat(members("words")).containsExactly("pear", "apple", "fig", "kiwi");
        assertThat(ours.smembers("words")).isEqualTo(oracle.smembers("words"));
        both(j -> j.srem("words", "apple"));
        assertThat(ours.sscan("words", "0").getResult()).containsExactly("pear", "fig", "kiwi");
        assertThat(ours.srandmember("words", 10)).containsExactly("pear", "fig", "kiwi");

        both(j -> j.sadd("b", "fig", "pear", "plum"));
        assertThat(ordered("SUNION", "words", "b")).containsExactly("pear", "fig", "kiwi", "plum");
        assertThat(ordered("SDIFF", "words", "b")).containsExactly("kiwi");
        assertThat(ordered("SINTER", "words", "b")).containsExactly("pear", "fig");
        assertThat(ours.sinter("words", "b")).isEqualTo(oracle.sinter("words", "b"));
        assertThat(ours.sunion("words", "b")).isEqualTo(oracle.sunion("words", "b"));

        // an intset that receives a string becomes a listpack, its integers first in ascending order
        both(j -> j.sadd("mixed", "3", "1", "2"));
        assertThat(value("mixed").encoding()).isEqualTo("intset").isEqualTo(oracle.objectEncoding("mixed"));
        both(j -> j.sadd("mixed", "x"));
        assertThat(value("mixed").encoding()).isEqualTo("listpack");
        assertThat(members("mixed")).containsExactly("1", "2", "3", "x");
        assertThat(ours.smembers("mixed")).isEqualTo(oracle.smembers("mixed"));
    }

    @Test
    void encodingConversionPoints() {
        both(j -> j.sadd("ints", ints(0, 512, 1)));
        assertThat(value("ints").encoding()).isEqualTo("intset").isEqualTo(oracle.objectEncoding("ints"));
        both(j -> j.sadd("ints", "512"));
        assertThat(value("ints").encoding()).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("ints"));
        assertThat(ours.smembers("ints")).isEqualTo(oracle.smembers("ints"));

        // 128 strings fit a listpack, the 129th does not
        both(j -> j.sadd("words", words("w", 0, 128)));
        assertThat(value("words").encoding()).isEqualTo("listpack");
        both(j -> j.sadd("words", "w128"));
        assertThat(value("words").encoding()).isEqualTo("hashtable");
        assertThat(ours.smembers("words")).isEqualTo(oracle.smembers("words"));

        // a member longer than 64 bytes, or one SADD announcing more than 128 members, goes to the hashtable
        both(j -> j.sadd("a", "x".repeat(64)));
        assertThat(value("a").encoding()).isEqualTo("listpack");
        both(j -> j.sadd("a", "x".repeat(65)));
        assertThat(value("a").encoding()).isEqualTo("hashtable");
        both(j -> j.sadd("b", "y"));
        String[] many = new String[129];
        java.util.Arrays.fill(many, "y");
        both(j -> j.sadd("b", many));
        assertThat(value("b").encoding()).isEqualTo("hashtable");
        assertThat(ours.smembers("b")).containsExactly("y");
        both(j -> j.sadd("c", words("c", 0, 129)));
        assertThat(value("c").encoding()).isEqualTo("hashtable");

        // a string joining an intset of 128 or more members goes straight to the hashtable
        both(j -> j.sadd("d", ints(0, 128, 1)));
        both(j -> j.sadd("d", "s"));
        assertThat(value("d").encoding()).isEqualTo("hashtable");
        both(j -> j.sadd("mixed", ints(0, 127, 1)));
        both(j -> j.sadd("mixed", "s"));
        assertThat(value("mixed").encoding()).isEqualTo("listpack");
        assertThat(ours.smembers("mixed")).isEqualTo(oracle.smembers("mixed"));

        // results of the STORE forms are built like any new set
        both(j -> j.sunionstore("dst", "ints"));
        assertThat(value("dst").encoding()).isEqualTo("hashtable").isEqualTo(oracle.objectEncoding("dst"));
        both(j -> j.sinterstore("dst", "ints", "d"));
        assertThat(value("dst").encoding()).isEqualTo("intset").isEqualTo(oracle.objectEncoding("dst"));
        assertThat(ours.smembers("dst")).isEqualTo(oracle.smembers("dst"));
    }

    @Test
    void thresholdsComeFromTheConfiguration() throws Exception {
        try (LarderServer tuned = LarderServer.start("--set-max-intset-entries", "2", "--set-max-listpack-entries",
                "3", "--set-max-listpack-value", "4"); Jedis j = new Jedis("127.0.0.1", tuned.port())) {
            j.sadd("i", "1", "2");
            assertThat(((SetValue) KeyspaceAccess.value(tuned, "i")).encoding()).isEqualTo("intset");
            j.sadd("i", "3");
            assertThat(((SetValue) KeyspaceAccess.value(tuned, "i")).encoding()).isEqualTo("hashtable");
            j.sadd("w", "abcd", "b", "c");
            assertThat(((SetValue) KeyspaceAccess.value(tuned, "w")).encoding()).isEqualTo("listpack");
            j.sadd("w", "d");
            assertThat(((SetValue) KeyspaceAccess.value(tuned, "w")).encoding()).isEqualTo("hashtable");
            j.sadd("v", "abcde");
            assertThat(((SetValue) KeyspaceAccess.value(tuned, "v")).encoding()).isEqualTo("hashtable");
        }
    }

    @Test
    void sscanOfATableVisitsEveryMemberOnce() {
        both(j -> j.sadd("big", words("e", 0, 1000)));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int steps = 0;
        do {
            ScanResult<String> page = ours.sscan("big", cursor, new ScanParams().count(25));
            for (String m : page.getResult()) {
                assertThat(seen.add(m)).as("visited twice: %s", m).isTrue();
            }
            cursor = page.getCursor();
            steps++;
        } while (!cursor.equals("0"));
        assertThat(seen).isEqualTo(oracle.smembers("big"));
        assertThat(steps).isGreaterThan(10);
        Set<String> matched = new HashSet<>();
        cursor = "0";
        do {
            ScanResult<String> page = ours.sscan("big", cursor, new ScanParams().match("e9?").count(100));
            matched.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals("0"));
        assertThat(matched).hasSize(10).allMatch(m -> m.matches("e9\\d"));
    }

    @Test
    void srandmemberAndSpopCounts() {
        both(j -> j.sadd("big", words("e", 0, 600)));
        both(j -> j.sadd("ints", ints(0, 100, 1)));
        both(j -> j.sadd("words", words("w", 0, 50)));
        for (String key : List.of("big", "ints", "words")) {
            Set<String> all = oracle.smembers(key);
            int size = all.size();
            for (int count : new int[] {1, 3, size / 2, size - 1}) {
                List<String> got = ours.srandmember(key, count);
                assertThat(got).as("%s %d", key, count).hasSize(count).doesNotHaveDuplicates();
                assertThat(all).containsAll(got);
            }
            assertThat(new HashSet<>(ours.srandmember(key, size + 1))).isEqualTo(all);
            List<String> repeated = ours.srandmember(key, -3 * size);
            assertThat(repeated).hasSize(3 * size);
            assertThat(all).containsAll(repeated);
            assertThat(new HashSet<>(repeated).size()).isLessThan(3 * size);
            Set<String> singles = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                singles.add(ours.srandmember(key));
            }
            assertThat(all).containsAll(singles);
            assertThat(singles.size()).as("single picks vary").isGreaterThan(size / 4);
            assertThat(ours.scard(key)).isEqualTo(size);

            Set<String> popped = new HashSet<>(ours.spop(key, 7));
            assertThat(popped).hasSize(7);
            assertThat(all).containsAll(popped);
            Set<String> rest = ours.smembers(key);
            assertThat(rest).hasSize(size - 7).doesNotContainAnyElementsOf(popped);
            String one = ours.spop(key);
            assertThat(rest).contains(one);
            assertThat(ours.sismember(key, one)).isFalse();
            Set<String> bulk = ours.spop(key, size - 10);
            assertThat(bulk).hasSize(size - 10);
            Set<String> left = ours.smembers(key);
            assertThat(left).hasSize(2).doesNotContainAnyElementsOf(bulk);
            assertThat(ours.spop(key, 5)).isEqualTo(left);
            assertThat(ours.exists(key)).isFalse();
        }
    }

    @Test
    void storeReplacesTheDestinationAndItsExpiry() {
        both(j -> j.sadd("a", "1", "2"));
        both(j -> j.sadd("dst", "9"));
        byte[] dst = "dst".getBytes();
        KeyspaceAccess.withKey(larder, "dst", db -> db.expire(dst, System.currentTimeMillis() + 100_000));
        oracle.expire("dst", 100);
        both(j -> j.sunionstore("dst", "a"));
        long expiry = KeyspaceAccess.withKey(larder, "dst", db -> db.expiry(dst));
        assertThat(expiry).isZero();
        assertThat(oracle.ttl("dst")).isEqualTo(-1);
        assertThat(ours.smembers("dst")).isEqualTo(oracle.smembers("dst"));
    }
}
