package io.larder.node.clients;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

import java.util.ArrayList;
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
 * The reliable work queue pattern with Jedis: a producer LPUSHes jobs, two consumers BLMOVE each job into a
 * processing list, record it and LREM it from there. Every job must be processed exactly once.
 */
class ListWorkQueueTest extends TwoServers {
    private static final int JOBS = 1000;
    private static final String STOP = "stop";

    @ParameterizedTest
    @MethodSource("targets")
    void everyJobIsProcessedExactlyOnce(Target target) throws Exception {
        String p = prefix();
        String queue = p + "jobs";
        String processing = p + "processing";
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                consumers.add(pool.submit(() -> consume(target, queue, processing, processed)));
            }
            Future<?> producer = pool.submit(() -> {
                try (Jedis jedis = connect(target)) {
                    for (int i = 0; i < JOBS; i++) {
                        jedis.lpush(queue, "job-" + i);
                        if (i % 100 == 0) {
                            Thread.sleep(20); // let the consumers drain the queue and block
                        }
                    }
                    jedis.lpush(queue, STOP, STOP);
                }
                return null;
            });
            producer.get(30, TimeUnit.SECONDS);
            int total = 0;
            for (Future<Integer> c : consumers) {
                total += c.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(JOBS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(processed).hasSize(JOBS);
        assertThat(processed.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        try (Jedis jedis = connect(target)) {
            assertThat(jedis.exists(queue)).isFalse();
            assertThat(jedis.llen(processing)).isEqualTo(2); // the two stop markers, never acknowledged
        }
    }

    /** Takes jobs until a stop marker; returns how many it processed. */
    private static int consume(Target target, String queue, String processing, Map<String, AtomicInteger> processed) {
        int n = 0;
        try (Jedis jedis = connect(target)) {
            while (true) {
                String job = jedis.blmove(queue, processing, ListDirection.RIGHT, ListDirection.LEFT, 10);
                assertThat(job).as("a job within the timeout").isNotNull();
                if (job.equals(STOP)) {
                    return n;
                }
                processed.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
                assertThat(jedis.lrem(processing, 1, job)).isEqualTo(1);
                n++;
            }
        }
    }

    private static Jedis connect(Target target) {
        return new Jedis(new HostAndPort("127.0.0.1", target.port()), DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(20_000).build());
    }
}
