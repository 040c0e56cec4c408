package io.larder.node.clients;

import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Lettuce's MULTI/EXEC over RESP3 (its default): results, and a WATCH broken by another connection. */
class LettuceTransactionTest extends LettuceTwoServers {
    private StatefulRedisConnection<String, String> connect(Target target) {
        return lettuce.connect(RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @ParameterizedTest
    @MethodSource("targets")
    void multiExecAndWatch(Target target) {
        String p = prefix();
        try (StatefulRedisConnection<String, String> conn = connect(target);
             StatefulRedisConnection<String, String> other = connect(target)) {
            RedisCommands<String, String> redis = conn.sync();
            assertThat(redis.multi()).isEqualTo("OK");
            redis.set(p + "a", "1");
            redis.incr(p + "a");
            redis.hset(p + "h", "f", "v");
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isFalse();
            assertThat(result.<Object>get(0)).isEqualTo("OK");
            assertThat(result.<Object>get(1)).isEqualTo(2L);
            assertThat(result.<Object>get(2)).isEqualTo(true);

            redis.watch(p + "a");
            other.sync().set(p + "a", "changed");
            redis.multi();
            redis.incr(p + "a");
            assertThat(redis.exec().wasDiscarded()).isTrue();
            assertThat(redis.get(p + "a")).isEqualTo("changed");
        }
    }
}
