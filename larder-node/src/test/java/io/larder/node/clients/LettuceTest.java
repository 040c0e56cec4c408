package io.larder.node.clients;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Lettuce 7 with its default options, which negotiate RESP3 with HELLO 3 and name the library with CLIENT SETINFO. */
class LettuceTest extends LettuceTwoServers {
    private StatefulRedisConnection<String, String> connect(Target target, String name) {
        return lettuce.connect(RedisURI.builder().withHost("127.0.0.1").withPort(target.port()).withClientName(name).withTimeout(Duration.ofSeconds(10)).build());
    }

    @ParameterizedTest
    @MethodSource("targets")
    void syncBasics(Target target) {
        String p = prefix();
        try (StatefulRedisConnection<String, String> conn = connect(target, "lettuce-sync")) {
            RedisCommands<String, String> redis = conn.sync();
            assertThat(redis.ping()).isEqualTo("PONG");
            assertThat(redis.set(p + "k", "v")).isEqualTo("OK");
            assertThat(redis.get(p + "k")).isEqualTo("v");
            assertThat(redis.get(p + "missing")).isNull();
            assertThat(redis.exists(p + "k", p + "missing")).isEqualTo(1);
            assertThat(redis.select(1)).isEqualTo("OK");
            assertThat(redis.get(p + "k")).isNull();
            assertThat(redis.select(0)).isEqualTo("OK");
            assertThat(redis.del(p + "k")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void syncStringsAndExpiry(Target target) {
        String p = prefix();
        try (StatefulRedisConnection<String, String> conn = connect(target, "lettuce-strings")) {
            RedisCommands<String, String> redis = conn.sync();
            assertThat(redis.mset(Map.of(p + "a", "1", p + "b", "2"))).isEqualTo("OK");
            assertThat(redis.mget(p + "a", p + "b", p + "c")).containsExactly(
                    KeyValue.just(p + "a", "1"), KeyValue.just(p + "b", "2"), KeyValue.empty(p + "c"));
            assertThat(redis.incr(p + "a")).isEqualTo(2);
            assertThat(redis.expire(p + "a", 100)).isTrue();
            assertThat(redis.ttl(p + "a")).isBetween(1L, 100L);
            assertThat(redis.ttl(p + "b")).isEqualTo(-1);
            assertThat(redis.del(p + "a", p + "b")).isEqualTo(2);
        }
    }

    /** Async commands with auto-flush off: one write carries the whole batch, replies complete in order. */
    @ParameterizedTest
    @MethodSource("targets")
    void asyncPipelining(Target target) throws Exception {
        String p = prefix();
        try (StatefulRedisConnection<String, String> conn = connect(target, "lettuce-async")) {
            RedisAsyncCommands<String, String> async = conn.async();
            conn.setAutoFlushCommands(false);
            List<RedisFuture<String>> sets = new ArrayList<>();
            List<RedisFuture<String>> gets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sets.add(async.set(p + i, "v" + i));
                gets.add(async.get(p + i));
            }
            conn.flushCommands();
            assertThat(LettuceFutures.awaitAll(10, TimeUnit.SECONDS, gets.toArray(new RedisFuture[0]))).isTrue();
            for (int i = 0; i < 1000; i++) {
                assertThat(sets.get(i).get()).isEqualTo("OK");
                assertThat(gets.get(i).get()).isEqualTo("v" + i);
            }
            conn.setAutoFlushCommands(true);
            assertThat(async.ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void asyncCountersPipelined(Target target) throws Exception {
        String p = prefix();
        try (StatefulRedisConnection<String, String> conn = connect(target, "lettuce-incr")) {
            RedisAsyncCommands<String, String> async = conn.async();
            conn.setAutoFlushCommands(false);
            List<RedisFuture<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                incrs.add(async.incr(p + "n"));
            }
            conn.flushCommands();
            for (int i = 0; i < 500; i++) {
                assertThat(incrs.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
            }
        }
    }

    /** The handshake real applications get: RESP3 via HELLO 3, and the library named with CLIENT SETINFO. */
    @ParameterizedTest
    @MethodSource("targets")
    void handshakeNegotiatesResp3(Target target) throws Exception {
        try (StatefulRedisConnection<String, String> conn = connect(target, "lettuce-handshake")) {
            assertThat(conn.sync().ping()).isEqualTo("PONG");
            Target.Connection c = awaitConnection(target, x -> x.get("name").equals("lettuce-handshake"));
            assertThat(c.get("resp")).isEqualTo("3");
            if (target.reportsLibraryNames()) {
                assertThat(c.get("lib-name")).isEqualTo("Lettuce");
                assertThat(c.get("lib-ver")).isNotEmpty();
            }
        }
    }
}
