package io.larder.node.clients;

import io.lettuce.core.Consumer;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream consumer group driven by Jedis and by Lettuce: a producer XADDs events, two consumers read them with
 * XREADGROUP BLOCK; one acknowledges what it reads, the other "dies" after its first batch. A rescuer finds the
 * dead consumer's entries with XPENDING, XCLAIMs and acknowledges them. Every event must be acknowledged
 * exactly once and nothing may stay pending.
 */
class StreamConsumerGroupTest extends LettuceTwoServers {
    private static final int EVENTS = 400;
    private static final String GROUP = "workers";

    @ParameterizedTest
    @MethodSource("targets")
    void jedisConsumerGroupSurvivesADeadConsumer(Target target) throws Exception {
        String key = prefix() + "events";
        Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
        try (Jedis admin = jedis(target)) {
            admin.xgroupCreate(key, GROUP, StreamEntryID.XGROUP_LAST_ENTRY, true);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        int pendingOfDead;
        try {
            Future<Integer> worker = pool.submit(() -> jedisConsume(target, key, "alive", acked, false));
            Future<Integer> dying = pool.submit(() -> jedisConsume(target, key, "dead", acked, true));
            awaitBlockedReaders(target, 2);
            pool.submit(() -> {
                try (Jedis jedis = jedis(target)) {
                    for (int i = 0; i < EVENTS; i++) {
                        jedis.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(i)));
                        if (i % 50 == 0) {
                            Thread.sleep(10);
                        }
                    }
                    jedis.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("n", "stop"));
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            worker.get(30, TimeUnit.SECONDS);
            pendingOfDead = dying.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(pendingOfDead).isPositive();
        try (Jedis rescuer = jedis(target)) {
            StreamPendingSummary summary = rescuer.xpending(key, GROUP);
            assertThat(summary.getTotal()).isEqualTo(pendingOfDead);
            assertThat(summary.getConsumerMessageCount()).containsExactly(Map.entry("dead", (long) pendingOfDead));
            List<StreamPendingEntry> pending = rescuer.xpending(key, GROUP,
                    XPendingParams.xPendingParams().start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID)
                            .count(1000).consumer("dead"));
            assertThat(pending).hasSize(pendingOfDead)
                    .allSatisfy(p -> assertThat(p.getDeliveredTimes()).isEqualTo(1));
            StreamEntryID[] ids = pending.stream().map(StreamPendingEntry::getID).toArray(StreamEntryID[]::new);
            List<StreamEntry> claimed = rescuer.xclaim(key, GROUP, "rescuer", 0, XClaimParams.xClaimParams(), ids);
            assertThat(claimed).hasSize(pendingOfDead);
            for (StreamEntry e : claimed) {
                acked.computeIfAbsent(e.getFields().get("n"), k -> new AtomicInteger()).incrementAndGet();
            }
            assertThat(rescuer.xack(key, GROUP, ids)).isEqualTo(pendingOfDead);
            assertThat(rescuer.xpending(key, GROUP).getTotal()).isZero();
            assertThat(rescuer.xlen(key)).isEqualTo(EVENTS + 1);
        }
        assertEveryEventOnce(acked);
    }

    /** Reads until the stop event (or, when {@code dies}, after one batch); returns the entries left pending. */
    private static int jedisConsume(Target target, String key, String name, Map<String, AtomicInteger> acked,
                                    boolean dies) {
        try (Jedis jedis = jedis(target)) {
            while (true) {
                var reply = jedis.xreadGroup(GROUP, name, XReadGroupParams.xReadGroupParams().count(10).block(5000),
                        Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                assertThat(reply).as("entries within the block timeout").isNotNull();
                List<StreamEntry> entries = reply.get(0).getValue();
                if (dies) {
                    return entries.size();
                }
                for (StreamEntry e : entries) {
                    String n = e.getFields().get("n");
                    assertThat(jedis.xack(key, GROUP, e.getID())).isEqualTo(1);
                    if (n.equals("stop")) {
                        return 0;
                    }
                    acked.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void lettuceConsumerGroupSurvivesADeadConsumer(Target target) throws Exception {
        String key = prefix() + "events";
        Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
        try (StatefulRedisConnection<String, String> conn = lettuce(target)) {
            conn.sync().xgroupCreate(XReadArgs.StreamOffset.latest(key), GROUP, XGroupCreateArgs.Builder.mkstream());
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        int pendingOfDead;
        try {
            Future<Integer> worker = pool.submit(() -> lettuceConsume(target, key, "alive", acked, false));
            Future<Integer> dying = pool.submit(() -> lettuceConsume(target, key, "dead", acked, true));
            awaitBlockedReaders(target, 2);
            pool.submit(() -> {
                try (StatefulRedisConnection<String, String> conn = lettuce(target)) {
                    for (int i = 0; i < EVENTS; i++) {
                        conn.sync().xadd(key, Map.of("n", Integer.toString(i)));
                        if (i % 50 == 0) {
                            Thread.sleep(10);
                        }
                    }
                    conn.sync().xadd(key, Map.of("n", "stop"));
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            worker.get(30, TimeUnit.SECONDS);
            pendingOfDead = dying.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(pendingOfDead).isPositive();
        try (StatefulRedisConnection<String, String> conn = lettuce(target)) {
            RedisCommands<String, String> redis = conn.sync();
            PendingMessages summary = redis.xpending(key, GROUP);
            assertThat(summary.getCount()).isEqualTo(pendingOfDead);
            assertThat(summary.getConsumerMessageCount()).containsExactly(Map.entry("dead", (long) pendingOfDead));
            List<PendingMessage> pending = redis.xpending(key, Consumer.from(GROUP, "dead"),
                    io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1000));
            assertThat(pending).hasSize(pendingOfDead).allSatisfy(p -> assertThat(p.getRedeliveryCount()).isEqualTo(1));
            String[] ids = pending.stream().map(PendingMessage::getId).toArray(String[]::new);
            List<StreamMessage<String, String>> claimed = redis.xclaim(key, Consumer.from(GROUP, "rescuer"), 0, ids);
            assertThat(claimed).hasSize(pendingOfDead);
            for (StreamMessage<String, String> m : claimed) {
                acked.computeIfAbsent(m.getBody().get("n"), k -> new AtomicInteger()).incrementAndGet();
            }
            assertThat(redis.xack(key, GROUP, ids)).isEqualTo(pendingOfDead);
            assertThat(redis.xpending(key, GROUP).getCount()).isZero();
        }
        assertEveryEventOnce(acked);
    }

    private int lettuceConsume(Target target, String key, String name, Map<String, AtomicInteger> acked,
                               boolean dies) {
        try (StatefulRedisConnection<String, String> conn = lettuce(target)) {
            RedisCommands<String, String> redis = conn.sync();
            while (true) {
                List<StreamMessage<String, String>> messages = redis.xreadgroup(Consumer.from(GROUP, name),
                        XReadArgs.Builder.count(10).block(5000), XReadArgs.StreamOffset.lastConsumed(key));
                assertThat(messages).as("entries within the block timeout").isNotEmpty();
                if (dies) {
                    return messages.size();
                }
                for (StreamMessage<String, String> m : messages) {
                    assertThat(redis.xack(key, GROUP, m.getId())).isEqualTo(1);
                    String n = m.getBody().get("n");
                    if (n.equals("stop")) {
                        return 0;
                    }
                    acked.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                }
            }
        }
    }

    private static void assertEveryEventOnce(Map<String, AtomicInteger> acked) {
        assertThat(acked).hasSize(EVENTS);
        assertThat(acked.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    /** Waits until both consumers are parked, so the first XADDs wake blocked readers. */
    private static void awaitBlockedReaders(Target target, int n) throws Exception {
        awaitConnection(target, c -> c.get("cmd").equals("xreadgroup") && c.get("flags").contains("b"));
        long deadline = System.currentTimeMillis() + 5000;
        while (target.otherConnections().stream().filter(c -> c.get("flags").contains("b")).count() < n) {
            assertThat(System.currentTimeMillis()).as("consumers blocked in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Jedis jedis(Target target) {
        return new Jedis(new HostAndPort("127.0.0.1", target.port()), DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(20_000).build());
    }

    private StatefulRedisConnection<String, String> lettuce(Target target) {
        return lettuce.connect(RedisURI.builder().withHost("127.0.0.1").withPort(target.port())
                .withTimeout(Duration.ofSeconds(20)).build());
    }
}
