package io.larder.engine.bitmap;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BitmapsTest {
    @Test
    void bitsAreAddressedMostSignificantFirstAndReadZeroPastTheEnd() {
        byte[] bytes = {(byte) 0x80, 0x01};
        assertThat(Bitmaps.bit(bytes, 2, 0)).isEqualTo(1);
        assertThat(Bitmaps.bit(bytes, 2, 1)).isZero();
        assertThat(Bitmaps.bit(bytes, 2, 15)).isEqualTo(1);
        assertThat(Bitmaps.bit(bytes, 1, 15)).isZero();
        assertThat(Bitmaps.bit(bytes, 2, 1L << 40)).isZero();
        assertThat(Bitmaps.setBit(bytes, 15, 0)).isEqualTo(1);
        assertThat(Bitmaps.setBit(bytes, 14, 1)).isZero();
        assertThat(bytes[1]).isEqualTo((byte) 0x02);
    }

    @Test
    void countAndFindAgreeWithABitByBitScanOverRandomRanges() {
        Random random = new Random(3);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(100)];
            for (int i = 0; i < bytes.length; i++) {
                int kind = random.nextInt(3);
                bytes[i] = kind == 0 ? 0 : kind == 1 ? (byte) 0xff : (byte) random.nextInt(256);
            }
            long bits = bytes.length * 8L;
            long from = random.nextLong(bits);
            long to = from + random.nextLong(bits - from);
            long expectedCount = 0;
            long firstOne = -1;
            long firstZero = -1;
            for (long b = from; b <= to; b++) {
                int v = Bitmaps.bit(bytes, bytes.length, b);
                expectedCount += v;
                if (v == 1 && firstOne < 0) {
                    firstOne = b;
                }
                if (v == 0 && firstZero < 0) {
                    firstZero = b;
                }
            }
            assertThat(Bitmaps.count(bytes, from, to)).as("count %d..%d", from, to).isEqualTo(expectedCount);
            assertThat(Bitmaps.find(bytes, from, to, 1)).as("find 1 %d..%d", from, to).isEqualTo(firstOne);
            assertThat(Bitmaps.find(bytes, from, to, 0)).as("find 0 %d..%d", from, to).isEqualTo(firstZero);
        }
    }
}
