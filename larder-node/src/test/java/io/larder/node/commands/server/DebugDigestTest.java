package io.larder.node.commands.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DEBUG DIGEST must equal redis-server's for the same dataset, keys with a TTL included. Larder has no
 * EXPIRE command in this build, so the TTL is set through the keyspace; the oracle gets EXPIRE.
 */
class DebugDigestTest {
    @Test
    void digestsOfKeysWithTtlEqualTheOracles() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        try (RedisServerProcess redis = RedisServerProcess.start("--enable-debug-command", "yes");
             LarderServer larder = LarderServer.start("--enable-debug-command", "yes");
             RawClient expected = new RawClient(redis.port()); RawClient actual = new RawClient(larder.port())) {
            for (RawClient c : new RawClient[]{expected, actual}) {
                c.call("SET", "plain", "value");
                c.call("SET", "volatile", "12345");
                c.call("SELECT", "3");
                c.call("SET", "other", "x");
                c.call("SELECT", "0");
            }
            expected.call("EXPIRE", "volatile", "1000");
            expire(larder, "volatile", System.currentTimeMillis() + 1_000_000);

            assertThat(actual.callText("DEBUG", "DIGEST")).isEqualTo(expected.callText("DEBUG", "DIGEST"));
            assertThat(actual.callText("DEBUG", "DIGEST-VALUE", "volatile", "plain", "nosuch"))
                    .isEqualTo(expected.callText("DEBUG", "DIGEST-VALUE", "volatile", "plain", "nosuch"));
        }
    }

    private static void expire(LarderServer larder, String key, long at) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Keyspace keyspace = larder.node().keyspace();
        int stripe = Keyspace.stripeOf(k);
        keyspace.lockStripe(stripe);
        try {
            Db db = keyspace.db(0);
            assertThat(db.expire(k, at)).isTrue();
        } finally {
            keyspace.unlockStripe(stripe);
        }
    }
}
