package io.larder.node.commands.keyspace;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RawOracleTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KEYS and SCAN return keys in an order that depends on hash layout, so these tests compare sets of keys with
 * redis-server's over the same data, and check SCAN's guarantee while the keyspace changes under it.
 */
class IterationOracleTest extends RawOracleTestBase {
    @BeforeAll
    void fill() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            keys.add("user:" + i);
            keys.add("{tag}item" + i);
        }
        keys.addAll(List.of("", "a", "ab", "abc", "a*c", "a?c", "a[b]c", "a\\b", "A", "ABC", "hello", "hallo", "hxllo",
                "h\u00e9llo", "-", "]", "[", "^", "\\", "**"));
        for (String k : keys) {
            both("SET", k, "v");
        }
    }

    private void both(String... args) throws IOException {
        assertThat(ours.callText(args)).isEqualTo(oracle.callText(args));
    }

    @Test
    void keysMatchesTheSameSetsAsRedis() throws IOException {
        for (String pattern : List.of("*", "**", "?", "??", "user:1*", "user:1?", "user:[0-4]", "user:[^0-8]*", "*9",
                "{tag}item1??", "*[*]*", "*\\**", "a?c", "a\\?c", "a[b]c", "a[\\]]c", "[]", "[", "[[]", "]", "\\",
                "\\\\", "a\\", "[a-c]*", "[c-a]", "[A-C]*", "h[^ae]llo", "h?llo", "*[", "*[^", "[^", "*l*o", "u*s*e*r*:*1*",
                "")) {
            assertThat(keys(ours, pattern)).as("KEYS %s", pattern).isEqualTo(keys(oracle, pattern));
        }
    }

    /** Random patterns over a small alphabet rich in glob syntax, against keys over the same alphabet. */
    @Test
    void randomPatternsMatchLikeRedis() throws IOException {
        String alphabet = "ab*?[]^-\\";
        Random random = new Random(11);
        try (RawClient redisDb = new RawClient(redis.port()); RawClient larderDb = new RawClient(larder.port())) {
            redisDb.call("SELECT", "5");
            larderDb.call("SELECT", "5");
            for (int i = 0; i < 300; i++) {
                String key = randomString(random, alphabet, 5);
                redisDb.call("SET", key, "v");
                larderDb.call("SET", key, "v");
            }
            for (int i = 0; i < 2000; i++) {
                String pattern = randomString(random, alphabet, 7);
                assertThat(keys(larderDb, pattern)).as("KEYS %s", pattern).isEqualTo(keys(redisDb, pattern));
            }
        }
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void fullScansReturnTheSameSetsAsRedis() throws IOException {
        for (String[] options : List.of(new String[] {}, new String[] {"COUNT", "1"}, new String[] {"COUNT", "7"},
                new String[] {"COUNT", "1000"}, new String[] {"MATCH", "user:1*"}, new String[] {"MATCH", "*[", "COUNT", "3"},
                new String[] {"TYPE", "string"}, new String[] {"TYPE", "hash"}, new String[] {"MATCH", "{tag}*", "TYPE", "STRING"})) {
            Set<String> want = new HashSet<>(scanAll(oracle, options));
            List<String> got = scanAll(ours, options);
            assertThat(new HashSet<>(got)).as("SCAN %s", String.join(" ", options)).isEqualTo(want);
        }
    }

    @Test
    void scanCountBoundsTheKeysPerCall() throws IOException {
        String reply = ours.callText("SCAN", "0", "COUNT", "5");
        List<String> parsed = parseScan(reply.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.size() - 1).isBetween(1, 5);
    }

    /**
     * Keys present from the first call to the last are all returned, while other keys come and go in bursts
     * that grow and shrink the tables (the hash-tagged keys share one slot, so its table resizes many times).
     */
    @Test
    void scanReturnsEveryKeyPresentThroughoutWhileTheKeyspaceChanges() throws IOException {
        try (RawClient client = new RawClient(larder.port()); RawClient writer = new RawClient(larder.port())) {
            client.call("SELECT", "3");
            writer.call("SELECT", "3");
            Set<String> throughout = new HashSet<>();
            List<String> transient_ = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                throughout.add("keep" + i);
                throughout.add("{slot}keep" + i);
            }
            for (String k : throughout) {
                writer.call("SET", k, "v");
            }
            Random random = new Random(7);
            int next = 0;
            int calls = 0;
            List<String> returned = new ArrayList<>();
            String cursor = "0";
            do {
                List<String> reply = parseScan(client.call("SCAN", cursor, "COUNT", String.valueOf(1 + random.nextInt(20))));
                cursor = reply.get(0);
                returned.addAll(reply.subList(1, reply.size()));
                calls++;
                boolean grow = (calls / 10) % 2 == 0;
                for (int c = 0; c < 200; c++) {
                    if (grow || transient_.isEmpty()) {
                        String k = (random.nextBoolean() ? "{slot}t" : "t") + next++;
                        writer.call("SET", k, "v");
                        transient_.add(k);
                    } else {
                        writer.call("DEL", transient_.remove(transient_.size() - 1));
                    }
                }
            } while (!cursor.equals("0"));
            assertThat(calls).isGreaterThan(20);
            assertThat(new HashSet<>(returned)).containsAll(throughout);
        }
    }

    private static List<String> keys(RawClient client, String pattern) throws IOException {
        List<String> keys = parseArray(client.call("KEYS", pattern));
        keys.sort(null);
        return keys;
    }

    private static List<String> scanAll(RawClient client, String[] options) throws IOException {
        List<String> all = new ArrayList<>();
        String cursor = "0";
        int calls = 0;
        do {
            String[] args = new String[options.length + 2];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            List<String> reply = parseScan(client.call(args));
            cursor = reply.get(0);
            all.addAll(reply.subList(1, reply.size()));
            assertThat(++calls).isLessThan(100_000);
        } while (!cursor.equals("0"));
        return all;
    }

    /** A SCAN reply as [cursor, key...]. */
    private static List<String> parseScan(byte[] reply) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(reply);
        assertThat(readLine(in)).isEqualTo("*2");
        List<String> out = new ArrayList<>();
        out.add(readBulk(in));
        out.addAll(readArray(in));
        return out;
    }

    private static List<String> parseArray(byte[] reply) throws IOException {
        return readArray(new ByteArrayInputStream(reply));
    }

    private static List<String> readArray(ByteArrayInputStream in) throws IOException {
        String header = readLine(in);
        assertThat(header).startsWith("*");
        int n = Integer.parseInt(header.substring(1));
        List<String> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(readBulk(in));
        }
        return items;
    }

    private static String readBulk(ByteArrayInputStream in) throws IOException {
        String header = readLine(in);
        assertThat(header).startsWith("$");
        int len = Integer.parseInt(header.substring(1));
        byte[] data = in.readNBytes(len);
        in.readNBytes(2);
        return new String(data, StandardCharsets.UTF_8);
    }

    private static String readLine(ByteArrayInputStream in) {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            s.append((char) c);
        }
        in.read();
        return s.toString();
    }
}
