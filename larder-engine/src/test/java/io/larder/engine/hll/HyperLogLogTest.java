package io.larder.engine.hll;

import io.larder.engine.string.MutableString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class HyperLogLogTest {
    private static final int MAX = 3000;

    @Test
    void aNewHllIsSparseWithOneXzeroOverEveryRegister() {
        byte[] hll = HyperLogLog.create();
        assertThat(hll).hasSize(18);
        assertThat(new String(hll, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("HYLL");
        assertThat(hll[4]).isEqualTo((byte) 1);
        assertThat(hll[16]).isEqualTo((byte) 0x7f);
        assertThat(hll[17]).isEqualTo((byte) 0xff);
        assertThat(HyperLogLog.isValid(hll, hll.length)).isTrue();
        assertThat(HyperLogLog.cachedCardinality(hll)).isZero();
        assertThat(HyperLogLog.count(hll, hll.length)).isZero();
        assertThat(HyperLogLog.decode(hll, hll.length)).isEqualTo("Z:16384");
    }

    /** Register index and run length of single elements, as redis-server 7.0 reports them (PFDEBUG DECODE). */
    @Test
    void elementsLandInTheRegistersRedisPutsThemIn() {
        assertThat(decodeOf("a")).isEqualTo("Z:12711 v:2,1 Z:3672");
        assertThat(decodeOf("b")).isEqualTo("Z:15780 v:1,1 Z:603");
        assertThat(decodeOf("hello")).isEqualTo("Z:9216 v:1,1 Z:7167");
        assertThat(decodeOf("")).isEqualTo("Z:5938 v:2,1 Z:10445");
        assertThat(decodeOf("x123456789")).isEqualTo("Z:8717 v:3,1 Z:7666");
    }

    private static String decodeOf(String element) {
        MutableString hll = MutableString.of(HyperLogLog.create());
        assertThat(HyperLogLog.add(hll, element.getBytes(StandardCharsets.UTF_8), MAX)).isEqualTo(1);
        assertThat(HyperLogLog.add(hll, element.getBytes(StandardCharsets.UTF_8), MAX)).isZero();
        return HyperLogLog.decode(hll.array(), hll.length());
    }

    @Test
    void adjacentEqualValuesMergeUpToFourRegisters() {
        MutableString hll = MutableString.of(HyperLogLog.create());
        for (int i = 0; i < 5; i++) {
            assertThat(HyperLogLog.set(hll, i, 3, MAX)).isEqualTo(1);
        }
        assertThat(HyperLogLog.decode(hll.array(), hll.length())).isEqualTo("v:3,4 v:3,1 Z:16379");
        assertThat(HyperLogLog.set(hll, 2, 3, MAX)).isZero();
        assertThat(HyperLogLog.set(hll, 2, 5, MAX)).isEqualTo(1);
        assertThat(HyperLogLog.decode(hll.array(), hll.length())).isEqualTo("v:3,2 v:5,1 v:3,2 Z:16379");
        assertThat(HyperLogLog.set(hll, 100, 1, MAX)).isEqualTo(1);
        assertThat(HyperLogLog.decode(hll.array(), hll.length()))
                .isEqualTo("v:3,2 v:5,1 v:3,2 Z:95 v:1,1 Z:16283");
        assertThat(HyperLogLog.cachedCardinality(hll.array())).isEqualTo(-1);
    }

    @Test
    void sparseAndDenseFormsHoldTheSameRegistersAndEstimate() {
        Random random = new Random(1);
        MutableString sparse = MutableString.of(HyperLogLog.create());
        MutableString dense = MutableString.of(HyperLogLog.create());
        assertThat(HyperLogLog.toDense(dense)).isTrue();
        assertThat(dense.length()).isEqualTo(HyperLogLog.DENSE_SIZE);
        for (int i = 0; i < 500; i++) {
            byte[] element = ("e" + random.nextInt()).getBytes(StandardCharsets.US_ASCII);
            assertThat(HyperLogLog.add(sparse, element, 100_000)).isEqualTo(HyperLogLog.add(dense, element, 0));
        }
        assertThat(HyperLogLog.isSparse(sparse.array())).isTrue();
        long sparseCount = HyperLogLog.count(sparse.array(), sparse.length());
        assertThat(sparseCount).isEqualTo(HyperLogLog.count(dense.array(), dense.length()));
        byte[] merged = new byte[HyperLogLog.REGISTERS];
        assertThat(HyperLogLog.mergeInto(merged, sparse.array(), sparse.length())).isTrue();
        assertThat(HyperLogLog.countRaw(merged)).isEqualTo(sparseCount);
        assertThat(HyperLogLog.toDense(sparse)).isTrue();
        assertThat(registers(sparse)).isEqualTo(registers(dense));
    }

    private static byte[] registers(MutableString dense) {
        return Arrays.copyOfRange(dense.array(), HyperLogLog.HEADER_SIZE, HyperLogLog.DENSE_SIZE);
    }

    @Test
    void promotesToDensePastTheSizeLimitOrForValuesAbove32() {
        MutableString bySize = MutableString.of(HyperLogLog.create());
        for (int i = 0; HyperLogLog.isSparse(bySize.array()); i++) {
            assertThat(bySize.length()).isLessThanOrEqualTo(40);
            HyperLogLog.add(bySize, ("x" + i).getBytes(StandardCharsets.US_ASCII), 40);
        }
        assertThat(bySize.length()).isEqualTo(HyperLogLog.DENSE_SIZE);

        MutableString byValue = MutableString.of(HyperLogLog.create());
        assertThat(HyperLogLog.set(byValue, 7, 32, MAX)).isEqualTo(1);
        assertThat(HyperLogLog.isSparse(byValue.array())).isTrue();
        assertThat(HyperLogLog.set(byValue, 9, 33, MAX)).isEqualTo(1);
        assertThat(HyperLogLog.isSparse(byValue.array())).isFalse();
        assertThat(HyperLogLog.register(byValue.array(), 7)).isEqualTo(32);
        assertThat(HyperLogLog.register(byValue.array(), 9)).isEqualTo(33);
        assertThat(HyperLogLog.register(byValue.array(), 8)).isZero();
    }

    @Test
    void everyDenseRegisterIncludingTheLastKeepsItsSixBits() {
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            HyperLogLog.setRegister(dense, i, (i * 7) & 63);
        }
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            assertThat(HyperLogLog.register(dense, i)).isEqualTo((i * 7) & 63);
        }
    }

    @Test
    void corruptSparseDataIsDetected() {
        // XZERO of 16383 registers: one short of the full set.
        byte[] shortRun = HyperLogLog.create();
        shortRun[17] = (byte) 0xfe;
        assertThat(HyperLogLog.count(shortRun, shortRun.length)).isEqualTo(-1);
        assertThat(HyperLogLog.mergeInto(new byte[HyperLogLog.REGISTERS], shortRun, shortRun.length)).isFalse();
        MutableString hll = MutableString.of(shortRun.clone());
        assertThat(HyperLogLog.set(hll, HyperLogLog.REGISTERS - 1, 1, MAX)).isEqualTo(-1);
        assertThat(HyperLogLog.toDense(hll)).isFalse();
        // Every register covered, then one VAL too many: still corrupt (the run passes the last register).
        byte[] extraRun = Arrays.copyOf(HyperLogLog.create(), HyperLogLog.HEADER_SIZE + 3);
        extraRun[HyperLogLog.HEADER_SIZE + 2] = (byte) 0x80;
        assertThat(HyperLogLog.count(extraRun, extraRun.length)).isEqualTo(-1);
        assertThat(HyperLogLog.mergeInto(new byte[HyperLogLog.REGISTERS], extraRun, extraRun.length)).isFalse();
        assertThat(HyperLogLog.toDense(MutableString.of(extraRun))).isFalse();
        assertThat(HyperLogLog.isValid(new byte[] {'H', 'Y', 'L', 'L'}, 4)).isFalse();
        byte[] badEncoding = HyperLogLog.create();
        badEncoding[4] = 2;
        assertThat(HyperLogLog.isValid(badEncoding, badEncoding.length)).isFalse();
        byte[] shortDense = HyperLogLog.create();
        shortDense[4] = 0;
        assertThat(HyperLogLog.isValid(shortDense, shortDense.length)).isFalse();
    }

    @Test
    void theCachedCardinalityIsEightLittleEndianBytesWithAStaleBit() {
        byte[] hll = HyperLogLog.create();
        HyperLogLog.cacheCardinality(hll, 0x0102030405L);
        assertThat(hll[8]).isEqualTo((byte) 5);
        assertThat(HyperLogLog.cachedCardinality(hll)).isEqualTo(0x0102030405L);
        HyperLogLog.invalidateCache(hll);
        assertThat(hll[15]).isEqualTo((byte) 0x80);
        assertThat(HyperLogLog.cachedCardinality(hll)).isEqualTo(-1);
    }

    @Test
    void estimatesStayWithinAFewStandardErrors() {
        MutableString hll = MutableString.of(HyperLogLog.create());
        int[] checkpoints = {10, 100, 1000, 10_000, 100_000};
        int next = 0;
        for (int n = 1; n <= 100_000; n++) {
            HyperLogLog.add(hll, Integer.toString(n).getBytes(StandardCharsets.US_ASCII), MAX);
            if (n == checkpoints[next]) {
                long estimate = HyperLogLog.count(hll.array(), hll.length());
                assertThat((double) Math.abs(estimate - n) / n).as("n=%d estimate=%d", n, estimate)
                        .isLessThan(0.03);
                next++;
            }
        }
    }

    @Test
    void selfTestPasses() {
        assertThat(HllSelfTest.run(MAX)).isNull();
    }
}
