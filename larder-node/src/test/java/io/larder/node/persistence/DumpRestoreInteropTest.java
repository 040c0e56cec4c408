package io.larder.node.persistence;

import io.larder.node.testing.JedisOracleTestBase;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.RestoreParams;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DUMP payloads move both ways between Redis 7.0 and Larder, for every type and encoding: the restored value
 * has the same DEBUG DIGEST-VALUE, encoding and TTL as the original on the other side.
 */
class DumpRestoreInteropTest extends JedisOracleTestBase {
    @Override
    protected String[] serverOptions() {
        return new String[]{"--enable-debug-command", "yes"};
    }

    static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

    private static final List<String> KEYS = List.of("int", "small", "raw", "compressible", "bigint", "list",
            "quicklist", "intset", "setlp", "sethash", "hashlp", "hashtable", "zsetlp", "zsetskip", "hll", "volatile");

    /** The same dataset on both servers: every type in each of its encodings (scores safe for 7.0's digest). */
    static void dataset(Jedis j) {
        j.set("int", "-12345");
        j.set("small", "hello");
        j.set("raw", "x".repeat(100) + "y");
        j.set("compressible", "abcdefgh".repeat(500));
        j.set("bigint", "9223372036854775807");
        j.rpush("list", "a", "b", "1", "-2", "300000", "9999999999", "x".repeat(70));
        for (int i = 0; i < 2000; i++) {
            j.rpush("quicklist", "element-" + i, Integer.toString(i * 37));
        }
        j.sadd("intset", "1", "-7", "65536", "4294967296", "-9223372036854775808");
        j.sadd("setlp", "a", "b", "c", "42");
        for (int i = 0; i < 300; i++) {
            j.sadd("sethash", "member-" + i);
        }
        j.hset("hashlp", "f1", "v1");
        j.hset("hashlp", "n", "123");
        for (int i = 0; i < 300; i++) {
            j.hset("hashtable", "field-" + i, "value-" + i);
        }
        j.zadd("zsetlp", 1.5, "a");
        j.zadd("zsetlp", -2, "b");
        j.zadd("zsetlp", 1e6, "c"); // (1e9 would differ: 7.0 digests "%.17g", 7.2 the shortest form)
        for (int i = 0; i < 300; i++) {
            j.zadd("zsetskip", i * 0.25, "m" + i);
        }
        j.zadd("zsetskip", Double.POSITIVE_INFINITY, "top");
        j.pfadd("hll", "a", "b", "c");
        j.set("volatile", "soon");
        j.pexpire("volatile", 100_000);
    }

    private static String digest(Jedis j, String key) {
        Object reply = j.sendCommand(DEBUG, "DIGEST-VALUE", key);
        return new String((byte[]) ((List<?>) reply).get(0), StandardCharsets.US_ASCII);
    }

    /**
     * DUMPs every key of {@code from}, RESTOREs it in {@code to}, and also in both servers under "mirror:" + key,
     * so the encodings Larder and Redis give the same payload can be compared.
     */
    private void moveEveryKey(Jedis from, Jedis to, Consumer<String> check) {
        dataset(from);
        for (String key : KEYS) {
            byte[] name = key.getBytes(StandardCharsets.UTF_8);
            byte[] payload = from.dump(name);
            assertThat(payload).as(key).isNotNull();
            long ttl = Math.max(0, from.pttl(name));
            assertThat(to.restore(name, ttl, payload)).as(key).isEqualTo("OK");
            byte[] mirror = ("mirror:" + key).getBytes(StandardCharsets.UTF_8);
            both(j -> assertThat(j.restore(mirror, ttl, payload)).isEqualTo("OK"));
            assertThat(new String(ours.objectEncoding(mirror), StandardCharsets.US_ASCII)).as(key)
                    .isEqualTo(encodingIn72(new String(oracle.objectEncoding(mirror), StandardCharsets.US_ASCII), key));
            check.accept(key);
        }
    }

    @Test
    void larderRestoresRedisPayloads() {
        moveEveryKey(oracle, ours, key -> {
            assertThat(digest(ours, key)).as(key).isEqualTo(digest(oracle, key));
            assertThat(Math.abs(ours.pttl(key) - oracle.pttl(key))).as(key).isLessThan(2000);
        });
    }

    @Test
    void redisRestoresLarderPayloads() {
        moveEveryKey(ours, oracle, key -> {
            assertThat(digest(oracle, key)).as(key).isEqualTo(digest(ours, key));
            assertThat(Math.abs(ours.pttl(key) - oracle.pttl(key))).as(key).isLessThan(2000);
        });
    }

    /**
     * Redis 7.0 has no listpack sets or lists: a small set of strings is a hashtable there and a small list a
     * quicklist, where 7.2 (and Larder) keep listpacks.
     */
    private static String encodingIn72(String encoding70, String key) {
        return key.equals("setlp") || key.equals("list") ? "listpack" : encoding70;
    }

    /** Streams with their groups, both ways (Larder writes type 19 at version 10, which 7.0 reads). */
    @Test
    void streamPayloadsMoveBothWays() {
        for (int round = 0; round < 2; round++) {
            Jedis from = round == 0 ? oracle : ours;
            Jedis to = round == 0 ? ours : oracle;
            both(Jedis::flushAll);
            StreamDataset.fill(from);
            for (String key : StreamDataset.KEYS) {
                byte[] name = key.getBytes(StandardCharsets.UTF_8);
                assertThat(to.restore(name, 0, from.dump(name))).as(key).isEqualTo("OK");
                assertThat(digest(to, key)).as(key).isEqualTo(digest(from, key));
            }
            StreamDataset.assertSame(from, to, true);
        }
    }

    @Test
    void payloadsOfArbitraryDoublesKeepEveryBit() {
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 2; round++) {
            Jedis from = round == 0 ? oracle : ours;
            Jedis to = round == 0 ? ours : oracle;
            from.del("z");
            to.del("z");
            int n = round == 0 ? 50 : 500; // listpack, then skiplist
            for (int i = 0; i < n; i++) {
                from.zadd("z", random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20), "m" + i);
            }
            to.restore("z".getBytes(), 0, from.dump("z".getBytes()));
            assertThat(to.zrangeWithScores("z", 0, -1)).isEqualTo(from.zrangeWithScores("z", 0, -1));
        }
    }

    @Test
    void restoreOptionsBehaveAsInRedis() {
        both(j -> j.set("k", "v"));
        byte[] payload = ours.dump("k".getBytes());
        both(j -> {
            j.restore("abs".getBytes(), System.currentTimeMillis() + 50_000, payload, RestoreParams.restoreParams().absTtl());
            assertThat(j.pttl("abs")).isBetween(40_000L, 50_000L);
            j.restore("past".getBytes(), 1, payload, RestoreParams.restoreParams().absTtl());
            assertThat(j.exists("past")).isFalse();
            j.restore("idle".getBytes(), 0, payload, RestoreParams.restoreParams().idleTime(1000));
            assertThat(j.objectIdletime("idle")).isBetween(1000L, 1002L);
            j.restore("k".getBytes(), 0, payload, RestoreParams.restoreParams().replace());
            assertThat(j.get("k")).isEqualTo("v");
        });
    }
}
