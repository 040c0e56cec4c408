package io.larder.node.connection;

import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of client-side caching under Larder's two event loops: a client that keeps what it read until told
 * otherwise never ends up holding a stale value. Readers in default and BCAST mode cache every value they read and
 * drop it on an invalidation, while writers on other connections (so, in general, other event loops) change the
 * same keys; once the writers are done and the last invalidations are in, every cached value must equal the
 * server's. Seeded random choices, so a failure can be replayed.
 */
class TrackingConcurrencyTest extends LarderTestBase {
    private static final int KEYS = 8;
    private static final int OPERATIONS = 4000;

    @Test
    void cachedValuesNeverStayStale() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            run(seed);
        }
    }

    private void run(long seed) throws Exception {
        try (RawClient admin = new RawClient(larder.port())) {
            admin.call("FLUSHALL");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (CachingReader tracked = new CachingReader(larder.port(), "ON");
             CachingReader broadcast = new CachingReader(larder.port(), "ON", "BCAST", "PREFIX", "c")) {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                long writerSeed = seed * 31 + w;
                int writer = w;
                work.add(pool.submit(() -> write(writerSeed, writer)));
            }
            work.add(pool.submit(() -> tracked.readRandomly(new Random(seed * 17), OPERATIONS)));
            work.add(pool.submit(() -> broadcast.readRandomly(new Random(seed * 19), OPERATIONS)));
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            tracked.drainInvalidations();
            broadcast.drainInvalidations();
            Map<String, String> actual = new HashMap<>();
            try (RawClient check = new RawClient(larder.port())) {
                for (int k = 0; k < KEYS; k++) {
                    actual.put("c" + k, new String(check.call("GET", "c" + k), StandardCharsets.UTF_8));
                }
            }
            assertThat(tracked.hits + broadcast.hits).as("seed %d: the caches were used", seed).isPositive();
            assertThat(tracked.invalidations).as("seed %d: invalidations in default mode", seed).isPositive();
            assertThat(broadcast.invalidations).as("seed %d: invalidations in BCAST mode", seed).isPositive();
            assertThat(actual).as("seed %d: default-mode cache", seed).containsAllEntriesOf(tracked.cacheInResp2());
            assertThat(actual).as("seed %d: BCAST cache", seed).containsAllEntriesOf(broadcast.cacheInResp2());
        } finally {
            pool.shutdownNow();
        }
    }

    private Void write(long seed, int writer) throws IOException {
        Random random = new Random(seed);
        try (RawClient c = new RawClient(larder.port())) {
            for (int i = 0; i < OPERATIONS; i++) {
                String a = "c" + random.nextInt(KEYS);
                String b = "c" + random.nextInt(KEYS);
                String value = writer + "-" + i;
                switch (random.nextInt(4)) {
                    case 0 -> c.call("MSET", a, value, b, value);
                    case 1 -> c.call("DEL", a);
                    case 2 -> c.call("APPEND", a, "+");
                    default -> c.call("SET", a, value);
                }
            }
        }
        return null;
    }

    /** A RESP3 connection with a local cache: values read are kept until an invalidation names their key. */
    private static final class CachingReader implements AutoCloseable {
        private final RawClient connection;
        /** Key → the raw RESP3 reply of its value. */
        private final Map<String, String> cache = new HashMap<>();
        int hits;
        int invalidations;

        CachingReader(int port, String... trackingArgs) throws IOException {
            connection = new RawClient(port);
            connection.call("HELLO", "3");
            String[] command = new String[trackingArgs.length + 2];
            command[0] = "CLIENT";
            command[1] = "TRACKING";
            System.arraycopy(trackingArgs, 0, command, 2, trackingArgs.length);
            assertThat(new String(connection.call(command), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
        }

        Void readRandomly(Random random, int operations) throws IOException {
            for (int i = 0; i < operations; i++) {
                String key = "c" + random.nextInt(KEYS);
                if (cache.containsKey(key)) {
                    hits++;
                    continue;
                }
                connection.send(bytes("GET"), bytes(key));
                String reply = readReplySkippingPushes();
                cache.put(key, reply);
            }
            return null;
        }

        /** Waits for invalidations still on their way (they travel through the reader's event loop). */
        void drainInvalidations() throws IOException, InterruptedException {
            for (int i = 0; i < 5; i++) {
                Thread.sleep(20);
                connection.send(bytes("PING"));
                assertThat(readReplySkippingPushes()).isEqualTo("+PONG\r\n");
            }
        }

        private String readReplySkippingPushes() throws IOException {
            while (true) {
                String reply = new String(connection.readReply(), StandardCharsets.UTF_8);
                if (!reply.startsWith(">")) {
                    return reply;
                }
                invalidate(reply);
            }
        }

        /** {@code >2 invalidate *n $len key ...} or a null for a flush. */
        private void invalidate(String push) {
            assertThat(push).startsWith(">2\r\n$10\r\ninvalidate\r\n");
            invalidations++;
            String[] lines = push.split("\r\n");
            if (lines[3].equals("_")) {
                cache.clear();
                return;
            }
            for (int i = 5; i < lines.length; i += 2) {
                cache.remove(lines[i]);
            }
        }

        /** The cache with RESP3 values as RESP2 shows them, to compare with a RESP2 GET. */
        Map<String, String> cacheInResp2() {
            Map<String, String> out = new HashMap<>();
            cache.forEach((k, v) -> out.put(k, v.equals("_\r\n") ? "$-1\r\n" : v));
            return out;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }
}
