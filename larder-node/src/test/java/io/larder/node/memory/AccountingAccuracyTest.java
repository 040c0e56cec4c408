package io.larder.node.memory;

import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * used_memory against the truth: the growth of the live heap (after full GCs) of this JVM, which runs the node,
 * when a workload of one value type is loaded through the protocol. The dataset's accounted growth must be
 * within 10% of it, per type (the bound).
 */
class AccountingAccuracyTest extends LarderTestBase {
    private static final int BATCH = 1000;

    private static String pad(int i, int width) {
        String s = Integer.toString(i);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    private static long liveHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Sends {@code n} commands pipelined in batches; every reply must not be an error. */
    private void load(RawClient c, int n, IntFunction<String[]> command) throws Exception {
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = from; i < to; i++) {
                String[] args = command.apply(i);
                byte[][] bytes = new byte[args.length][];
                for (int a = 0; a < args.length; a++) {
                    bytes[a] = args[a].getBytes(StandardCharsets.US_ASCII);
                }
                out.writeBytes(RawClient.encode(bytes));
            }
            c.sendRaw(out.toByteArray());
            for (int i = from; i < to; i++) {
                byte[] reply = c.readReply();
                assertThat(reply[0]).isNotEqualTo((byte) '-');
            }
        }
    }

    /** Accounted growth divided by live heap growth for one workload, starting from an empty node. */
    private double ratio(String name, int n, IntFunction<String[]> command) throws Exception {
        try (RawClient c = new RawClient(larder.port())) {
            c.call("FLUSHALL");
            long heapBefore = liveHeap();
            long accountedBefore = larder.node().keyspace().dataBytes();
            load(c, n, command);
            long heapAfter = liveHeap();
            long accountedAfter = larder.node().keyspace().dataBytes();
            double ratio = (double) (accountedAfter - accountedBefore) / (heapAfter - heapBefore);
            System.out.printf("accounting %-28s heap +%,d accounted +%,d ratio %.3f%n", name, heapAfter - heapBefore,
                    accountedAfter - accountedBefore, ratio);
            c.call("FLUSHALL");
            return ratio;
        }
    }

    @Test
    void stringsWith32ByteValues() throws Exception {
        assertThat(ratio("strings 32B", 200_000, i -> new String[]{"SET", "key:" + pad(i, 7), "v".repeat(32)}))
                .isBetween(0.9, 1.1);
    }

    @Test
    void stringsWith256ByteValues() throws Exception {
        assertThat(ratio("strings 256B", 50_000, i -> new String[]{"SET", "key:" + pad(i, 7), "v".repeat(256)}))
                .isBetween(0.9, 1.1);
    }

    @Test
    void stringsGrownByAppend() throws Exception {
        assertThat(ratio("strings APPEND", 100_000, i -> new String[]{"APPEND", "key:" + pad(i / 2, 7), "v".repeat(40)}))
                .isBetween(0.9, 1.1);
    }

    @Test
    void smallHashes() throws Exception {
        assertThat(ratio("hashes of 10 fields", 20_000, i -> {
            String[] args = new String[22];
            args[0] = "HSET";
            args[1] = "hash:" + pad(i, 7);
            for (int f = 0; f < 10; f++) {
                args[2 + 2 * f] = "field" + f;
                args[3 + 2 * f] = "value-" + pad(f, 4);
            }
            return args;
        })).isBetween(0.9, 1.1);
    }

    @Test
    void oneLargeHash() throws Exception {
        assertThat(ratio("hash of 200k fields", 200_000,
                i -> new String[]{"HSET", "big", "field:" + pad(i, 7), "value:" + pad(i, 7)})).isBetween(0.9, 1.1);
    }

    @Test
    void oneLargeSet() throws Exception {
        assertThat(ratio("set of 200k members", 200_000, i -> new String[]{"SADD", "set", "member:" + pad(i, 7)}))
                .isBetween(0.9, 1.1);
    }

    @Test
    void oneLargeSortedSet() throws Exception {
        assertThat(ratio("zset of 100k members", 100_000,
                i -> new String[]{"ZADD", "zset", Integer.toString(i), "member:" + pad(i, 8)})).isBetween(0.9, 1.1);
    }

    @Test
    void oneLongList() throws Exception {
        assertThat(ratio("list of 200k elements", 200_000, i -> new String[]{"RPUSH", "list", "element:" + pad(i, 7)}))
                .isBetween(0.9, 1.1);
    }
}
