package io.larder.node.clients;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Pub/sub through real clients' listener APIs: Jedis (RESP2 subscribed mode) and Lettuce (RESP3 pushes). */
class PubSubClientsTest extends LettuceTwoServers {
    @ParameterizedTest
    @MethodSource("targets")
    void jedisListener(Target target) throws Exception {
        String p = prefix();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                events.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                events.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                events.add("subscribe " + channel + " " + count);
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                events.add("psubscribe " + pattern + " " + count);
                subscribed.countDown();
            }

            @Override
            public void onUnsubscribe(String channel, int count) {
                events.add("unsubscribe " + channel + " " + count);
            }

            @Override
            public void onPUnsubscribe(String pattern, int count) {
                events.add("punsubscribe " + pattern + " " + count);
            }

            @Override
            public void onPong(String pattern) {
                events.add("pong [" + pattern + "]");
            }
        };
        try (Jedis subscriber = new Jedis(new HostAndPort("127.0.0.1", target.port()));
             Jedis publisher = new Jedis(new HostAndPort("127.0.0.1", target.port()))) {
            Thread loop = new Thread(() -> subscriber.subscribe(listener, p + "news"));
            loop.start();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("subscribe " + p + "news 1");
            listener.psubscribe(p + "n*");
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("psubscribe " + p + "n* 2");

            assertThat(publisher.publish(p + "news", "hello")).isEqualTo(2);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("message " + p + "news hello");
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("pmessage " + p + "n* " + p + "news hello");
            assertThat(publisher.publish(p + "nope", "x")).isEqualTo(1);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("pmessage " + p + "n* " + p + "nope x");
            assertThat(publisher.pubsubNumSub(p + "news")).isEqualTo(Map.of(p + "news", 1L));
            assertThat(publisher.pubsubChannels(p + "*")).containsExactly(p + "news");
            listener.ping();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("pong []");

            listener.unsubscribe();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("unsubscribe " + p + "news 1");
            listener.punsubscribe();
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("punsubscribe " + p + "n* 0");
            loop.join(5000);
            assertThat(loop.isAlive()).isFalse();
            // The connection is an ordinary one again.
            assertThat(subscriber.set(p + "k", "v")).isEqualTo("OK");
            assertThat(subscriber.get(p + "k")).isEqualTo("v");
            assertThat(publisher.publish(p + "news", "late")).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void lettuceResp3Listener(Target target) throws Exception {
        String p = prefix();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                .withTimeout(Duration.ofSeconds(10)).build();
        try (StatefulRedisPubSubConnection<String, String> sub = lettuce.connectPubSub(uri);
             StatefulRedisConnection<String, String> pub = lettuce.connect(uri)) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    events.add("message " + channel + " " + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    events.add("pmessage " + pattern + " " + channel + " " + message);
                }

                @Override
                public void smessage(String channel, String message) {
                    events.add("smessage " + channel + " " + message);
                }
            });
            sub.sync().subscribe(p + "a", p + "b");
            sub.sync().psubscribe(p + "*");
            sub.sync().ssubscribe(p + "s");
            // RESP3: ordinary commands on the subscribed connection.
            assertThat(sub.sync().set(p + "k", "v")).isEqualTo("OK");
            assertThat(sub.sync().get(p + "k")).isEqualTo("v");

            assertThat(pub.sync().publish(p + "a", "one")).isEqualTo(2);
            assertThat(List.of(events.poll(5, TimeUnit.SECONDS), events.poll(5, TimeUnit.SECONDS)))
                    .containsExactly("message " + p + "a one", "pmessage " + p + "* " + p + "a one");
            assertThat(pub.sync().spublish(p + "s", "sharded")).isEqualTo(1);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("smessage " + p + "s sharded");
            assertThat(pub.sync().pubsubNumsub(p + "a", p + "b", p + "c"))
                    .isEqualTo(Map.of(p + "a", 1L, p + "b", 1L, p + "c", 0L));
            assertThat(pub.sync().pubsubShardNumsub(p + "s")).isEqualTo(Map.of(p + "s", 1L));
            assertThat(pub.sync().pubsubShardChannels(p + "*")).containsExactly(p + "s");

            sub.sync().unsubscribe(p + "a");
            assertThat(pub.sync().publish(p + "a", "two")).isEqualTo(1);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("pmessage " + p + "* " + p + "a two");
            sub.sync().punsubscribe();
            sub.sync().sunsubscribe(p + "s");
            sub.sync().unsubscribe();
            assertThat(pub.sync().publish(p + "b", "three")).isZero();
            assertThat(sub.sync().ping()).isEqualTo("PONG");
            assertThat(events).isEmpty();
        }
    }
}
