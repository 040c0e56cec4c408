package io.larder.node.commands.set;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import io.larder.resp.InlineSplitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyspace hits and misses of the hash and set commands against redis-server's INFO stats: reads and the
 * STORE forms' sources count (lookupKeyRead), writes do not (lookupKeyWrite), arguments rejected before the
 * lookup count nothing.
 */
class HashSetKeyspaceStatsTest extends OracleTestBase {
    private static final String[] SETUP = {"HSET h a 1 b 2", "SADD s 1 2 3", "SADD t 3 4", "SET str x"};
    private static final String[] COMMANDS = {
            "HGET h a", "HGET nokey a", "HMGET h a b", "HEXISTS h a", "HLEN nokey", "HSTRLEN h a", "HKEYS h",
            "HVALS nokey", "HGETALL h", "HRANDFIELD h", "HRANDFIELD h 2", "HRANDFIELD h x", "HSCAN h 0",
            "HSCAN h x", "HSCAN nokey 0", "HGET str a", "HSET h c 3", "HDEL h c", "HINCRBY h a 1",
            "HSETNX h a 1", "HINCRBYFLOAT h a 1",
            "SISMEMBER s 1", "SMISMEMBER nokey 1", "SCARD s", "SMEMBERS s", "SRANDMEMBER s", "SRANDMEMBER s 2",
            "SRANDMEMBER nokey 2", "SSCAN s 0", "SINTER s t nokey", "SINTER s str t", "SINTERCARD 2 s t",
            "SUNION s nokey t", "SDIFF s t", "SINTERSTORE d s t", "SUNIONSTORE d s nokey", "SDIFFSTORE d s t",
            "SMOVE s t 1", "SADD s 9", "SREM s 9", "SPOP nokey", "SCARD str",
    };


    @Test
    void hitsAndMissesCountLikeRedis() throws IOException {
        try (RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            for (String line : SETUP) {
                expected.call(split(line));
                actual.call(split(line));
            }
            long hitsBefore = info(expected, "keyspace_hits");
            long missesBefore = info(expected, "keyspace_misses");
            larder.node().stats().reset();
            for (String line : COMMANDS) {
                expected.call(split(line));
                actual.call(split(line));
            }
            assertThat(larder.node().stats().keyspaceHits.sum())
                    .isEqualTo(info(expected, "keyspace_hits") - hitsBefore).isPositive();
            assertThat(larder.node().stats().keyspaceMisses.sum())
                    .isEqualTo(info(expected, "keyspace_misses") - missesBefore).isPositive();
        }
    }

    private static byte[][] split(String line) {
        return InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
    }

    private static long info(RawClient client, String field) throws IOException {
        for (String line : client.callText("INFO", "stats").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO stats");
    }
}
