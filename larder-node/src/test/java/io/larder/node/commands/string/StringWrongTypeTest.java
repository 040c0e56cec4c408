package io.larder.node.commands.string;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import io.larder.resp.InlineSplitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The string commands against keys of another type, compared with redis-server. Larder has no other types
 * yet, so the test plants a non-string value directly where the oracle gets a list from RPUSH. Also checks
 * that keyspace hits and misses are counted like Redis's.
 */
class StringWrongTypeTest extends OracleTestBase {
    private static final String[] COMMANDS = {
            "GET list", "SET list v GET", "SET list v NX GET", "SET list v XX GET", "SET list v GET EX 0",
            "GETEX list", "GETEX list EX 100", "GETEX list EX 0", "GETEX list PERSIST", "GETDEL list",
            "GETSET list v", "MGET list missing str", "STRLEN list", "APPEND list x", "INCR list", "DECR list",
            "INCRBY list 5", "INCRBY list x", "DECRBY list 5", "INCRBYFLOAT list 1.5", "INCRBYFLOAT list x",
            "GETRANGE list 0 -1", "GETRANGE list x 1", "SUBSTR list 0 1", "SETRANGE list 0 x", "SETRANGE list 0 \"\"",
            "SETRANGE list -1 x", "LCS list str", "LCS str list IDX", "LCS str list FOO", "LCS missing list LEN",
            "GET missing", "GET str", "MGET str missing",
            // the key is still there and still not a string
            "STRLEN list", "GET list",
            // writes that replace whatever was there
            "SETNX list v", "MSETNX list v other w", "SET list v NX", "SET list v XX", "GET list",
    };


    @Test
    void sameRepliesAndKeyspaceStatisticsAsRedis() throws IOException {
        try (RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            expected.call("RPUSH", "list", "a");
            expected.call("SET", "str", "hello");
            plantNonString("list");
            actual.call("SET", "str", "hello");
            long hitsBefore = info(expected, "keyspace_hits");
            long missesBefore = info(expected, "keyspace_misses");
            larder.node().stats().reset();

            List<String> mismatches = new ArrayList<>();
            for (String line : COMMANDS) {
                byte[][] argv = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
                String want = new String(expected.call(argv), StandardCharsets.UTF_8);
                String got = new String(actual.call(argv), StandardCharsets.UTF_8);
                if (!want.equals(got)) {
                    mismatches.add(line + "\n  redis:  " + want.strip() + "\n  larder: " + got.strip());
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(larder.node().stats().keyspaceHits.sum())
                    .isEqualTo(info(expected, "keyspace_hits") - hitsBefore).isPositive();
            assertThat(larder.node().stats().keyspaceMisses.sum())
                    .isEqualTo(info(expected, "keyspace_misses") - missesBefore).isPositive();
        }
    }

    private void plantNonString(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Keyspace keyspace = larder.node().keyspace();
        int stripe = Keyspace.stripeOf(k);
        keyspace.lockStripe(stripe);
        try {
            keyspace.db(0).put(k, List.of("a"));
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }

    private static long info(RawClient client, String field) throws IOException {
        String text = client.callText("INFO", "stats");
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO stats");
    }
}
