package io.larder.engine.bitmap;

import io.larder.engine.bitmap.Bitfields.Overflow;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** BITFIELD arithmetic against an exact model in BigInteger. */
class BitfieldsTest {
    private static final BigInteger TWO = BigInteger.TWO;

    @Test
    void fieldsReadBackWhatWasWrittenAtAnyOffsetAndWidth() {
        Random random = new Random(11);
        for (int round = 0; round < 5000; round++) {
            byte[] bytes = new byte[20];
            random.nextBytes(bytes);
            int bits = 1 + random.nextInt(64);
            long offset = random.nextInt(160 - bits + 1);
            long value = random.nextLong();
            Bitfields.set(bytes, offset, bits, value);
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            assertThat(Bitfields.getUnsigned(bytes, bytes.length, offset, bits)).isEqualTo(value & mask);
            long signed = bits == 64 ? value : (value << (64 - bits)) >> (64 - bits);
            assertThat(Bitfields.getSigned(bytes, bytes.length, offset, bits)).isEqualTo(signed);
        }
    }

    @Test
    void fieldsPastTheStringReadAsZeros() {
        byte[] bytes = {(byte) 0xff};
        assertThat(Bitfields.getUnsigned(bytes, 1, 4, 8)).isEqualTo(0xf0);
        assertThat(Bitfields.getSigned(bytes, 1, 4, 8)).isEqualTo(-16);
    }

    @Test
    void signedResultsFollowTheExactSumUnderEachPolicy() {
        Random random = new Random(12);
        for (int round = 0; round < 200_000; round++) {
            int bits = 1 + random.nextInt(64);
            BigInteger min = TWO.pow(bits - 1).negate();
            BigInteger max = TWO.pow(bits - 1).subtract(BigInteger.ONE);
            boolean set = random.nextBoolean();
            // INCRBY starts from a value the field holds; SET passes any 64-bit value with no increment.
            long value = set ? interesting(random, bits) : clamp(interesting(random, bits), min, max);
            long incr = set ? 0 : interesting(random, bits);
            Overflow policy = Overflow.values()[random.nextInt(3)];
            BigInteger exact = BigInteger.valueOf(value).add(BigInteger.valueOf(incr));
            // Redis measures the headroom max - value in 64 bits: when that wraps (a SET of a value far below a
            // narrow field's minimum) it reports an upward overflow, and SAT stores the maximum, as redis-server does.
            boolean headroomWraps = bits < 64
                    && max.subtract(BigInteger.valueOf(value)).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0;
            Long expected;
            if (exact.compareTo(min) >= 0 && exact.compareTo(max) <= 0) {
                expected = exact.longValue();
            } else {
                boolean upward = exact.signum() > 0 || headroomWraps;
                expected = switch (policy) {
                    case FAIL -> null;
                    case SAT -> upward ? max.longValue() : min.longValue();
                    case WRAP -> exact.subtract(min).mod(TWO.pow(bits)).add(min).longValue();
                };
            }
            assertThat(Bitfields.signedResult(value, incr, bits, policy))
                    .as("i%d %d + %d %s", bits, value, incr, policy).isEqualTo(expected);
        }
    }

    @Test
    void unsignedResultsFollowTheExactSumUnderEachPolicy() {
        Random random = new Random(13);
        for (int round = 0; round < 200_000; round++) {
            int bits = 1 + random.nextInt(63);
            BigInteger max = TWO.pow(bits).subtract(BigInteger.ONE);
            boolean set = random.nextBoolean();
            long value = set ? interesting(random, bits) : clamp(interesting(random, bits), BigInteger.ZERO, max);
            long incr = set ? 0 : interesting(random, bits);
            Overflow policy = Overflow.values()[random.nextInt(3)];
            // A negative SET value is taken as a huge unsigned one, as Redis casts it.
            BigInteger start = new BigInteger(Long.toUnsignedString(value));
            BigInteger exact = start.add(BigInteger.valueOf(incr));
            Long expected;
            if (exact.signum() >= 0 && exact.compareTo(max) <= 0) {
                expected = exact.longValue();
            } else {
                expected = switch (policy) {
                    case FAIL -> null;
                    case SAT -> exact.signum() > 0 ? max.longValue() : 0L;
                    case WRAP -> exact.mod(TWO.pow(bits)).longValue();
                };
            }
            assertThat(Bitfields.unsignedResult(value, incr, bits, policy))
                    .as("u%d %d + %d %s", bits, value, incr, policy).isEqualTo(expected);
        }
    }

    private static long interesting(Random random, int bits) {
        long limit = bits == 64 ? Long.MAX_VALUE : 1L << (bits - 1);
        long[] candidates = {0, 1, -1, limit, limit - 1, -limit, -limit - 1, 2 * limit, 2 * limit - 1,
            Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong(), random.nextInt(100) - 50};
        return candidates[random.nextInt(candidates.length)];
    }

    private static long clamp(long value, BigInteger min, BigInteger max) {
        BigInteger v = BigInteger.valueOf(value);
        return v.max(min).min(max).longValue();
    }
}
