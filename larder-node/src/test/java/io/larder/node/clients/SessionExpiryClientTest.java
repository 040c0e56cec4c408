package io.larder.node.clients;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Session's indexed repository relies on, through Lettuce: it turns on the "Egx" event classes
 * (keeping what was set), stores each session as a hash with a TTL, and learns of expired sessions from
 * {@code __keyevent@0__:expired} and of deleted ones from {@code __keyevent@0__:del}, nobody touching the keys:
 * the server's active expiry must find them. A keyspace listener on {@code __keyspace@0__:<prefix>session:*}
 * (classes K and h added for it) follows each session's life. Waits are bounded.
 */
class SessionExpiryClientTest extends LettuceTwoServers {
    private static final int SESSIONS = 20;

    @ParameterizedTest
    @MethodSource("targets")
    void expiredSessionsAreAnnounced(Target target) throws Exception {
        String p = prefix();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                .withTimeout(Duration.ofSeconds(10)).build();
        BlockingQueue<String> keyevents = new LinkedBlockingQueue<>();
        BlockingQueue<String> keyspace = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = lettuce.connectPubSub(uri);
             StatefulRedisConnection<String, String> conn = lettuce.connect(uri)) {
            RedisCommands<String, String> redis = conn.sync();
            // As Spring Session's ConfigureNotifyKeyspaceEventsAction, add E, g and x to what is configured;
            // K and h besides for the keyspace listener.
            String current = redis.configGet("notify-keyspace-events").get("notify-keyspace-events");
            StringBuilder wanted = new StringBuilder(current);
            for (String c : List.of("E", "g", "x", "K", "h")) {
                boolean coveredByA = current.contains("A") && "g$lshzxet".contains(c);
                if (!current.contains(c) && !coveredByA) {
                    wanted.append(c);
                }
            }
            assertThat(redis.configSet("notify-keyspace-events", wanted.toString())).isEqualTo("OK");
            try {
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        if (message.startsWith(p)) {
                            keyevents.add(channel + " " + message);
                        }
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        keyspace.add(channel + " " + message);
                    }
                });
                sub.sync().subscribe("__keyevent@0__:expired", "__keyevent@0__:del");
                sub.sync().psubscribe("__keyspace@0__:" + p + "session:*");

                Set<String> expiring = new HashSet<>();
                for (int i = 0; i < SESSIONS; i++) {
                    String key = p + "session:" + i;
                    redis.hset(key, Map.of("creationTime", "1", "maxInactiveInterval", "1",
                            "sessionAttr:user", "u" + i));
                    redis.pexpire(key, 100 + 10L * i);
                    expiring.add(key);
                }
                String deleted = p + "session:deleted";
                redis.hset(deleted, "creationTime", "1");
                redis.expire(deleted, 60);
                redis.del(deleted);
                String kept = p + "session:kept";
                redis.hset(kept, "creationTime", "1");
                redis.expire(kept, 60);
                redis.persist(kept);

                Set<String> expired = new HashSet<>();
                List<String> seen = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 15_000;
                while (expired.size() < SESSIONS + 1 && System.currentTimeMillis() < deadline) {
                    String event = keyevents.poll(200, TimeUnit.MILLISECONDS);
                    if (event == null) {
                        continue;
                    }
                    seen.add(event);
                    expired.add(event);
                }
                Set<String> expected = new HashSet<>();
                for (String key : expiring) {
                    expected.add("__keyevent@0__:expired " + key);
                }
                expected.add("__keyevent@0__:del " + deleted);
                assertThat(expired).as("key events received: %s", seen).isEqualTo(expected);
                assertThat(redis.exists(expiring.toArray(new String[0]))).isZero();
                assertThat(redis.hget(kept, "creationTime")).isEqualTo("1");

                // Every session's keyspace channel told its whole life, in order.
                Map<String, List<String>> lives = new java.util.HashMap<>();
                String line;
                while ((line = keyspace.poll(100, TimeUnit.MILLISECONDS)) != null) {
                    int space = line.lastIndexOf(' ');
                    lives.computeIfAbsent(line.substring(0, space), k -> new ArrayList<>()).add(line.substring(space + 1));
                }
                for (String key : expiring) {
                    assertThat(lives.get("__keyspace@0__:" + key)).as(key).containsExactly("hset", "expire", "expired");
                }
                assertThat(lives.get("__keyspace@0__:" + deleted)).containsExactly("hset", "expire", "del");
                assertThat(lives.get("__keyspace@0__:" + kept)).containsExactly("hset", "expire", "persist");
            } finally {
                redis.configSet("notify-keyspace-events", current);
            }
        }
    }
}
