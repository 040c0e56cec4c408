package io.larder.engine.hll;

import io.larder.engine.string.MutableString;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * PFSELFTEST: dense registers read back what was written at every index, and the sparse and dense forms of
 * the same elements agree register for register and estimate within the expected error.
 */
public final class HllSelfTest {
    private static final int ELEMENTS = 20_000;
    /** 1.04 / sqrt(16384) is the standard error; five of them is a generous bound for one run. */
    private static final double TOLERANCE = 5 * 1.04 / Math.sqrt(HyperLogLog.REGISTERS);

    private HllSelfTest() {
    }

    /** Null when every check passes, else what failed. */
    public static String run(int sparseMaxBytes) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        int[] expected = new int[HyperLogLog.REGISTERS];
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                expected[i] = random.nextInt(64);
                HyperLogLog.setRegister(dense, i, expected[i]);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                if (HyperLogLog.register(dense, i) != expected[i]) {
                    return "Register error at index " + i;
                }
            }
        }
        MutableString sparse = MutableString.of(HyperLogLog.create());
        MutableString promoted = MutableString.of(HyperLogLog.create());
        HyperLogLog.toDense(promoted);
        for (int n = 1; n <= ELEMENTS; n++) {
            byte[] element = ("selftest:" + random.nextLong()).getBytes(StandardCharsets.US_ASCII);
            if (HyperLogLog.add(sparse, element, sparseMaxBytes) < 0 || HyperLogLog.add(promoted, element, 0) < 0) {
                return "Corrupted HLL while adding element " + n;
            }
        }
        HyperLogLog.toDense(sparse);
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            if (HyperLogLog.register(sparse.array(), i) != HyperLogLog.register(promoted.array(), i)) {
                return "Sparse and dense registers differ at index " + i;
            }
        }
        long estimate = HyperLogLog.count(promoted.array(), promoted.length());
        if (Math.abs(estimate - ELEMENTS) > TOLERANCE * ELEMENTS) {
            return "Estimate " + estimate + " too far from " + ELEMENTS;
        }
        return null;
    }
}
