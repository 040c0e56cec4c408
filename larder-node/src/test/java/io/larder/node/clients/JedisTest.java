package io.larder.node.clients;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Jedis 8, both the classic {@link Jedis} connection and the new pooled {@link RedisClient} speaking RESP3. */
class JedisTest extends TwoServers {

    @ParameterizedTest
    @MethodSource("targets")
    void classicBasics(Target target) {
        String p = prefix();
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", target.port()), DefaultJedisClientConfig.builder().build())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.echo("hello")).isEqualTo("hello");
            assertThat(jedis.set(p + "k", "v")).isEqualTo("OK");
            assertThat(jedis.get(p + "k")).isEqualTo("v");
            assertThat(jedis.get(p + "missing")).isNull();
            assertThat(jedis.exists(p + "k")).isTrue();
            assertThat(jedis.set((p + "bin").getBytes(), new byte[]{0, (byte) 0xff, '\r', '\n'})).isEqualTo("OK");
            assertThat(jedis.get((p + "bin").getBytes())).containsExactly(0, 0xff, '\r', '\n');
            assertThat(jedis.select(1)).isEqualTo("OK");
            assertThat(jedis.get(p + "k")).isNull();
            assertThat(jedis.select(0)).isEqualTo("OK");
            assertThat(jedis.del(p + "k", p + "bin", p + "missing")).isEqualTo(2);
            assertThat(jedis.exists(p + "k")).isFalse();

            Pipeline pipe = jedis.pipelined();
            List<Response<String>> sets = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sets.add(pipe.set(p + "pipe:" + i, "v" + i));
                gets.add(pipe.get(p + "pipe:" + i));
            }
            pipe.sync();
            for (int i = 0; i < 500; i++) {
                assertThat(sets.get(i).get()).isEqualTo("OK");
                assertThat(gets.get(i).get()).isEqualTo("v" + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void classicStringsAndExpiry(Target target) {
        String p = prefix();
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", target.port()), DefaultJedisClientConfig.builder().build())) {
            assertThat(jedis.mset(p + "a", "1", p + "b", "2")).isEqualTo("OK");
            assertThat(jedis.mget(p + "a", p + "b", p + "c")).containsExactly("1", "2", null);
            assertThat(jedis.incr(p + "a")).isEqualTo(2);
            assertThat(jedis.incrBy(p + "a", 40)).isEqualTo(42);
            assertThat(jedis.expire(p + "a", 100)).isEqualTo(1);
            assertThat(jedis.ttl(p + "a")).isBetween(1L, 100L);
            assertThat(jedis.ttl(p + "b")).isEqualTo(-1);
            assertThat(jedis.ttl(p + "c")).isEqualTo(-2);
        }
    }

    /** The classic connection names itself with CLIENT SETINFO, as Jedis does by default. */
    @ParameterizedTest
    @MethodSource("targets")
    void classicHandshake(Target target) throws Exception {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", target.port()), DefaultJedisClientConfig.builder()
                .clientName("jedis-classic").build())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            Target.Connection c = awaitConnection(target, x -> x.get("name").equals("jedis-classic"));
            assertThat(c.get("resp")).isEqualTo("2");
            if (target.reportsLibraryNames()) {
                assertThat(c.get("lib-name")).isEqualTo("jedis");
                assertThat(c.get("lib-ver")).isNotEmpty();
            }
        }
    }

    /** The new RedisClient with RESP3: HELLO 3 and CLIENT SETINFO on every pooled connection. */
    @ParameterizedTest
    @MethodSource("targets")
    void redisClientResp3(Target target) throws Exception {
        String p = prefix();
        try (RedisClient client = RedisClient.builder().hostAndPort("127.0.0.1", target.port())
                .clientConfig(DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).clientName("jedis-unified").build())
                .build()) {
            assertThat(client.ping()).isEqualTo("PONG");
            assertThat(client.set(p + "k", "v")).isEqualTo("OK");
            assertThat(client.get(p + "k")).isEqualTo("v");
            assertThat(client.get(p + "nope")).isNull();
            assertThat(client.mset(p + "a", "1", p + "b", "2")).isEqualTo("OK");
            assertThat(client.mget(p + "a", p + "b", p + "nope")).containsExactly("1", "2", null);
            assertThat(client.incr(p + "n")).isEqualTo(1);
            assertThat(client.expire(p + "k", 50)).isEqualTo(1);
            assertThat(client.ttl(p + "k")).isBetween(1L, 50L);
            assertThat(client.del(p + "k", p + "a", p + "b", p + "n")).isEqualTo(4);
            assertThat(client.exists(p + "k")).isFalse();

            var pipe = client.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                incrs.add(pipe.incr(p + "counter"));
            }
            pipe.sync();
            for (int i = 0; i < 300; i++) {
                assertThat(incrs.get(i).get()).isEqualTo(i + 1);
            }

            Target.Connection c = awaitConnection(target, x -> x.get("name").equals("jedis-unified"));
            assertThat(c.get("resp")).isEqualTo("3");
            if (target.reportsLibraryNames()) {
                assertThat(c.get("lib-name")).isEqualTo("jedis");
                assertThat(c.get("lib-ver")).isNotEmpty();
            }
        }
    }
}
