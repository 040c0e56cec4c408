package io.larder.engine.zset;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A JMH-free micro benchmark of the skiplist encoding (not a test): the redis-benchmark ZADD pattern (score 0,
 * "element:" + 12 random digits, so every comparison falls to the member bytes) and a leaderboard (1M players,
 * then 3 ZINCRBY : 1 ZREVRANK : 1 ZREVRANGE 0 9). Prints CPU ns/op per round; compare medians.
 * Run: {@code java -cp larder-engine/target/classes:larder-engine/target/test-classes
 * io.larder.engine.zset.ZSetBench [ROUNDS]}.
 */
public final class ZSetBench {
    private static final int N = 1_000_000;
    private static final ZSetLimits LIMITS = new ZSetLimits(128, 64);

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time: the machine is shared, so wall time would mostly measure the neighbours. */
    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        byte[][] elements = new byte[N][];
        byte[][] players = new byte[N][];
        for (int i = 0; i < N; i++) {
            elements[i] = String.format("element:%012d", i).getBytes(StandardCharsets.US_ASCII);
            players[i] = ("player:" + i).getBytes(StandardCharsets.US_ASCII);
        }
        for (int round = 1; round <= rounds; round++) {
            SplittableRandom random = new SplittableRandom(round);
            ZSetValue z = ZSetValue.create(0, 0, LIMITS);
            long start = cpu();
            for (int i = 0; i < N; i++) {
                byte[] m = elements[random.nextInt(N)];
                if (Double.isNaN(z.score(m))) {
                    z.put(m, 0, LIMITS);
                }
            }
            long zadd = cpu() - start;

            ZSetValue lb = ZSetValue.create(0, 0, LIMITS);
            start = cpu();
            for (int i = 0; i < N; i++) {
                lb.put(players[i], random.nextInt(1_000_000), LIMITS);
            }
            long load = cpu() - start;
            long sink = 0;
            start = cpu();
            for (int i = 0; i < N; i++) {
                byte[] p = players[random.nextInt(N)];
                int pick = random.nextInt(5);
                if (pick < 3) {
                    lb.put(p, lb.score(p) + 1 + random.nextInt(100), LIMITS);
                } else if (pick == 3) {
                    sink += lb.size() - 1 - lb.rank(p);
                } else {
                    int size = lb.size();
                    long[] acc = {0};
                    lb.visit(size - 10, size - 1, true, (m, s) -> {
                        acc[0] += m.length;
                        return true;
                    });
                    sink += acc[0];
                }
            }
            long mix = cpu() - start;
            System.out.printf("round %d: zadd-score0 %.0f ns/op (%d members), leaderboard load %.0f ns/op, "
                            + "mix 3:1:1 %.0f ns/op (sink %d)%n", round, zadd / (double) N, z.size(),
                    load / (double) N, mix / (double) N, sink);
        }
    }
}
