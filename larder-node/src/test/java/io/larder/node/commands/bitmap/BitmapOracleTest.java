package io.larder.node.commands.bitmap;

import io.larder.node.testing.RawOracleTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random bitmap workloads against the oracle (BITFIELD at the edges of every width and overflow policy,
 * BITCOUNT/BITPOS over random ranges, BITOP over random strings), and the Redis 7.2 argument checks the 7.0
 * oracle does not make.
 */
class BitmapOracleTest extends RawOracleTestBase {
    private static final String[] POLICIES = {"WRAP", "SAT", "FAIL"};

    @BeforeEach
    void flush() throws IOException {
        same("FLUSHALL");
    }

    @Test
    void bitfieldOverflowEdgesForEveryWidthAndPolicy() throws IOException {
        Random random = new Random(1234);
        for (int round = 0; round < 3000; round++) {
            boolean signed = random.nextBoolean();
            int bits = 1 + random.nextInt(signed ? 64 : 63);
            String type = (signed ? "i" : "u") + bits;
            String offset = random.nextBoolean() ? "#" + random.nextInt(20) : Integer.toString(random.nextInt(200));
            List<String> args = new ArrayList<>(List.of("BITFIELD", "f"));
            int ops = 1 + random.nextInt(4);
            for (int i = 0; i < ops; i++) {
                args.add("OVERFLOW");
                args.add(POLICIES[random.nextInt(3)]);
                args.add(random.nextBoolean() ? "INCRBY" : "SET");
                args.add(type);
                args.add(offset);
                args.add(Long.toString(edgeValue(random, bits)));
            }
            args.add("GET");
            args.add(type);
            args.add(offset);
            same(args.toArray(new String[0]));
        }
        same("GET", "f");
    }

    /** Values at and around the limits of the width, of 64 bits, and small ones. */
    private static long edgeValue(Random random, int bits) {
        long limit = bits == 64 ? Long.MAX_VALUE : 1L << (bits - 1);
        long[] candidates = {0, 1, -1, limit, limit - 1, -limit, -limit - 1, 2 * limit, 2 * limit - 1,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, random.nextLong(),
            random.nextInt(1000) - 500};
        return candidates[random.nextInt(candidates.length)];
    }

    @Test
    void countAndPositionOverRandomRanges() throws IOException {
        Random random = new Random(99);
        for (int round = 0; round < 200; round++) {
            byte[] value = new byte[random.nextInt(40)];
            random.nextBytes(value);
            if (random.nextBoolean()) {
                // Runs of 0x00 and 0xff make BITPOS cross whole bytes.
                for (int i = 0; i < value.length; i++) {
                    value[i] = random.nextInt(3) == 0 ? value[i] : (byte) (random.nextBoolean() ? 0 : 0xff);
                }
            }
            same(bytes("SET"), bytes("s"), value);
            for (int q = 0; q < 20; q++) {
                String start = Integer.toString(random.nextInt(700) - 350);
                String end = Integer.toString(random.nextInt(700) - 350);
                String unit = random.nextBoolean() ? "BIT" : "BYTE";
                String bit = Integer.toString(random.nextInt(2));
                same("BITCOUNT", "s", start, end, unit);
                same("BITCOUNT", "s", start, end);
                same("BITPOS", "s", bit, start, end, unit);
                same("BITPOS", "s", bit, start, end);
                same("BITPOS", "s", bit, start);
                same("BITPOS", "s", bit);
            }
            same("BITCOUNT", "s");
        }
    }

    @Test
    void setbitAndBitopOverRandomStrings() throws IOException {
        Random random = new Random(5);
        for (int round = 0; round < 500; round++) {
            String key = "k" + random.nextInt(4);
            same("SETBIT", key, Integer.toString(random.nextInt(600)), Integer.toString(random.nextInt(2)));
        }
        String[] ops = {"AND", "OR", "XOR"};
        for (int round = 0; round < 50; round++) {
            same("BITOP", ops[random.nextInt(3)], "dest", "k0", "k" + random.nextInt(4), "k" + random.nextInt(5));
            same("GET", "dest");
            same("BITOP", "NOT", "dest", "k" + random.nextInt(5));
            same("GET", "dest");
        }
    }

    @Test
    void redis72ChecksArgumentsBeforeLookingUpTheKey() throws IOException {
        // Redis 7.0 answered 0 or -1 for a missing key whatever the arguments; 7.2 (#11734) reports the error.
        assertThat(call("BITCOUNT", "missing", "0")).isEqualTo("-ERR syntax error\r\n");
        assertThat(call("BITCOUNT", "missing", "x", "1")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(call("BITCOUNT", "missing", "0", "1", "foo")).isEqualTo("-ERR syntax error\r\n");
        assertThat(call("BITCOUNT", "missing", "0", "1", "bit")).isEqualTo(":0\r\n");
        assertThat(call("BITPOS", "missing", "1", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(call("BITPOS", "missing", "0", "0", "1", "foo")).isEqualTo("-ERR syntax error\r\n");
        assertThat(call("BITPOS", "missing", "0", "0", "-1", "bit")).isEqualTo(":0\r\n");
        assertThat(call("BITPOS", "missing", "1", "0", "-1", "bit")).isEqualTo(":-1\r\n");
        // Crossed negative indexes still answer 0, but only once the key is known to be a string.
        assertThat(call("HSET", "h", "f", "v")).isEqualTo(":1\r\n");
        assertThat(call("BITCOUNT", "h", "-1", "-5")).startsWith("-WRONGTYPE");
    }

    private String call(String... args) throws IOException {
        return new String(ours.call(args), StandardCharsets.ISO_8859_1);
    }

    private void same(String... args) throws IOException {
        same(utf8(args));
    }

    private void same(byte[]... args) throws IOException {
        byte[] want = oracle.call(args);
        byte[] got = ours.call(args);
        StringBuilder line = new StringBuilder();
        for (byte[] a : args) {
            line.append(new String(a, StandardCharsets.ISO_8859_1)).append(' ');
        }
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).as(line.toString())
                .isEqualTo(new String(want, StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
