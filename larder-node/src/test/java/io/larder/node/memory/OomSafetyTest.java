package io.larder.node.memory;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small node (maxmemory 4mb) hammered with large values, many times its limit: it stays up, answers, and its
 * used_memory is back within maxmemory once each write has completed.
 */
class OomSafetyTest {
    private static final long MAXMEMORY = 4L * 1024 * 1024;

    private static long infoField(RawClient c, String field) throws Exception {
        String info = c.callText("INFO", "memory");
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " missing from INFO memory");
    }

    private static byte[] value(int size, int seed) {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) ('a' + seed % 26));
        return v;
    }

    @Test
    void allkeysLruStaysWithinMaxmemoryAfterEveryWrite() throws Exception {
        try (LarderServer larder = LarderServer.start("--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru");
             RawClient c = new RawClient(larder.port())) {
            int[] sizes = {1000, 100_000, 512 * 1024, 1024 * 1024, 3 * 1024 * 1024};
            for (int i = 0; i < 400; i++) {
                int size = sizes[i % sizes.length];
                byte[] key = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
                assertThat(new String(c.call("SET".getBytes(StandardCharsets.US_ASCII), key, value(size, i)),
                        StandardCharsets.US_ASCII)).as("SET of %d bytes", size).isEqualTo("+OK\r\n");
                assertThat(infoField(c, "used_memory")).as("after write %d", i).isLessThanOrEqualTo(MAXMEMORY);
            }
            assertThat(c.callText("INFO", "stats")).containsPattern("evicted_keys:[1-9][0-9]+");
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void noevictionRefusesWritesOnceFullAndKeepsServingReads() throws Exception {
        try (LarderServer larder = LarderServer.start("--maxmemory", "4mb");
             RawClient c = new RawClient(larder.port())) {
            int stored = 0;
            int refused = 0;
            for (int i = 0; i < 200; i++) {
                String reply = new String(c.call("SET".getBytes(StandardCharsets.US_ASCII),
                        ("key:" + i).getBytes(StandardCharsets.US_ASCII), value(100_000, i)), StandardCharsets.US_ASCII);
                if (reply.equals("+OK\r\n")) {
                    stored++;
                } else {
                    assertThat(reply).isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
                    refused++;
                }
                // Redis's contract: the write that crosses the limit is let through, none after it.
                assertThat(infoField(c, "used_memory")).isLessThanOrEqualTo(MAXMEMORY + 110_000);
            }
            assertThat(stored).isBetween(10, 30);
            assertThat(refused).isEqualTo(200 - stored);
            assertThat(c.callText("STRLEN", "key:0")).isEqualTo(":100000\r\n");
            assertThat(c.callText("DEL", "key:0", "key:1", "key:2")).isEqualTo(":3\r\n");
            assertThat(c.callText("SET", "small", "v")).isEqualTo("+OK\r\n"); // room again after the deletes
        }
    }

    @Test
    void concurrentWritersOnBothEventLoopsStayBounded() throws Exception {
        try (LarderServer larder = LarderServer.start("--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lfu")) {
            int writers = 4;
            int valueSize = 200_000;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    results.add(pool.submit(() -> {
                        long highest = 0;
                        try (RawClient c = new RawClient(larder.port())) {
                            for (int i = 0; i < 150; i++) {
                                byte[] key = ("w" + id + ":" + (i % 40)).getBytes(StandardCharsets.US_ASCII);
                                String reply = new String(c.call("SET".getBytes(StandardCharsets.US_ASCII), key,
                                        value(valueSize, i)), StandardCharsets.US_ASCII);
                                assertThat(reply).isEqualTo("+OK\r\n");
                                c.call("GET", "w" + id + ":" + (i % 7));
                                highest = Math.max(highest, infoField(c, "used_memory"));
                            }
                        }
                        return highest;
                    }));
                }
                for (Future<Long> f : results) {
                    // Other writers' values may be stored and not yet evicted when one asks: one each at most.
                    assertThat(f.get()).isLessThanOrEqualTo(MAXMEMORY + (long) writers * (valueSize + 64 * 1024));
                }
            } finally {
                pool.shutdownNow();
            }
            try (RawClient c = new RawClient(larder.port())) {
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
                assertThat(infoField(c, "used_memory")).isLessThanOrEqualTo(MAXMEMORY);
                // The accounting holds no drift: what the keyspace counts is what its keys cost.
                assertThat(larder.node().keyspace().dataBytes()).isEqualTo(recount(larder));
            }
        }
    }

    /** Accounted bytes summed from scratch: every table plus every key's recorded cost. */
    private static long recount(LarderServer larder) {
        var keyspace = larder.node().keyspace();
        keyspace.lockAll();
        try {
            long total = 0;
            for (int d = 0; d < keyspace.databaseCount(); d++) {
                for (int slot = 0; slot < io.larder.engine.keyspace.HashSlot.COUNT; slot++) {
                    var dict = keyspace.db(d).slot(slot);
                    if (dict == null) {
                        continue;
                    }
                    total += io.larder.engine.memory.Footprint.table(dict);
                    long[] costs = {0};
                    dict.forEach((t, cell) -> {
                        costs[0] += t.costAt(cell);
                        return true;
                    });
                    total += costs[0];
                }
            }
            return total;
        } finally {
            keyspace.unlockAll();
        }
    }
}
