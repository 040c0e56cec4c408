package io.larder.engine.rdb;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.hash.HashValue;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetLimits;
import io.larder.engine.set.SetValue;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RdbCodecTest {
    private static final RdbValues.Limits LIMITS = new RdbValues.Limits(new HashLimits(128, 64),
            new SetLimits(512, 128, 64), new ZSetLimits(128, 64), -2);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void crc64MatchesRedisCheckValue() {
        byte[] data = b("123456789");
        assertThat(Crc64.update(0, data, 0, data.length)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    /** Bit by bit from the reflected polynomial: the definition the table-driven code must agree with. */
    private static long crc64Bitwise(long crc, byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95AC9329AC4BC9B5L : crc >>> 1;
            }
        }
        return crc;
    }

    @Test
    void crc64EightBytesAStepMatchesTheBitwiseDefinitionAtAnyOffsetAndSplit() {
        Random random = new Random(11);
        for (int round = 0; round < 2000; round++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            int offset = data.length == 0 ? 0 : random.nextInt(data.length);
            int length = random.nextInt(data.length - offset + 1);
            long start = random.nextLong();
            long expected = crc64Bitwise(start, data, offset, length);
            assertThat(Crc64.update(start, data, offset, length)).isEqualTo(expected);
            int split = random.nextInt(length + 1);
            long inTwo = Crc64.update(Crc64.update(start, data, offset, split), data, offset + split, length - split);
            assertThat(inTwo).isEqualTo(expected);
        }
    }

    @Test
    void lzfRoundTripsRandomAndRepetitiveData() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            int len = 21 + random.nextInt(20000);
            byte[] in = new byte[len];
            int alphabet = 1 + random.nextInt(round % 2 == 0 ? 4 : 256);
            for (int i = 0; i < len; i++) {
                in[i] = (byte) ('a' + random.nextInt(alphabet));
            }
            byte[] out = new byte[len + len / 16 + 64];
            int n = Lzf.compress(in, len, out);
            assertThat(n).isPositive();
            assertThat(Lzf.decompress(java.util.Arrays.copyOf(out, n), len)).isEqualTo(in);
        }
    }

    @Test
    void lzfDecompressesARangeOfALargerBufferWithoutReadingPastIt() {
        byte[] plain = b("value-1234-" + "x".repeat(40) + "-end");
        byte[] packed = new byte[plain.length + 64];
        int n = Lzf.compress(plain, plain.length, packed);
        assertThat(n).isPositive();
        byte[] buffer = new byte[n + 20];
        java.util.Arrays.fill(buffer, (byte) 0x1F); // a literal run marker: read past the range, it would decode
        System.arraycopy(packed, 0, buffer, 7, n);
        assertThat(Lzf.decompress(buffer, 7, n, plain.length)).isEqualTo(plain);
        for (int cut = 1; cut < n; cut++) {
            int size = n - cut;
            assertThatThrownBy(() -> Lzf.decompress(buffer, 7, size, plain.length))
                    .isInstanceOf(RdbFormatException.class);
        }
    }

    /** The RDB string holding a listpack of {@code elements}, after its type byte, as a loader reads it. */
    private static RdbInput listpackInput(String... elements) {
        Listpack.Builder lp = new Listpack.Builder();
        for (String e : elements) {
            lp.add(b(e));
        }
        RdbOutput out = new RdbOutput(64, false);
        out.writeString(lp.finish());
        byte[] bytes = out.toByteArray();
        return RdbInput.of(bytes, bytes.length);
    }

    @Test
    void listpackSortedSetTakesIntegerScoresAsTheyAreAndParsesStringOnes() {
        ZSetValue z = (ZSetValue) RdbValues.read(listpackInput("a", "1", "17", "-250000", "c", "2.5", "d",
                "9007199254740993", "e", "-inf"), RdbTypes.ZSET_LISTPACK, LIMITS);
        assertThat(z.size()).isEqualTo(5);
        assertThat(z.score(b("a"))).isEqualTo(1.0);
        assertThat(z.score(b("17"))).isEqualTo(-250000.0);
        assertThat(z.score(b("c"))).isEqualTo(2.5);
        assertThat(z.score(b("d"))).isEqualTo(9007199254740992.0); // the double nearest, as Redis's (double) cast
        assertThat(z.score(b("e"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> RdbValues.read(listpackInput("a", "1", "b"), RdbTypes.ZSET_LISTPACK, LIMITS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Zset listpack integrity");
        assertThatThrownBy(() -> RdbValues.read(listpackInput("a", "x1"), RdbTypes.ZSET_LISTPACK, LIMITS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("bad score");
        assertThatThrownBy(() -> RdbValues.read(listpackInput("a", "1", "a", "2"), RdbTypes.ZSET_LISTPACK, LIMITS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Duplicate zset");
    }

    @Test
    void listpackHashIsReadPairByPair() {
        HashValue h = (HashValue) RdbValues.read(listpackInput("a", "1", "b", "bee", "-7", "x"),
                RdbTypes.HASH_LISTPACK, LIMITS);
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.get(b("a"))).isEqualTo(b("1"));
        assertThat(h.get(b("b"))).isEqualTo(b("bee"));
        assertThat(h.get(b("-7"))).isEqualTo(b("x"));
        assertThat(RdbValues.read(listpackInput(), RdbTypes.HASH_LISTPACK, LIMITS)).isNull();
        assertThatThrownBy(() -> RdbValues.read(listpackInput("a", "1", "b"), RdbTypes.HASH_LISTPACK, LIMITS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Hash listpack integrity");
        assertThatThrownBy(() -> RdbValues.read(listpackInput("a", "1", "a", "2"), RdbTypes.HASH_LISTPACK, LIMITS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Duplicate hash");
    }

    @Test
    void lzfGivesUpWhenTheOutputDoesNotFit() {
        byte[] in = new byte[100];
        new Random(1).nextBytes(in);
        assertThat(Lzf.compress(in, in.length, new byte[96])).isZero();
    }

    private static Object roundTrip(Object value) {
        byte[] payload = DumpPayload.dump(value, true);
        assertThat(DumpPayload.verify(payload, true)).isTrue();
        return DumpPayload.restore(payload, LIMITS);
    }

    @Test
    void stringsRoundTripInEveryEncoding() {
        for (String s : List.of("", "0", "-1", "127", "-128", "32767", "-32768", "2147483647", "-2147483648",
                "2147483648", "9223372036854775807", "007", "-0", "hello", "x".repeat(5000))) {
            assertThat((byte[]) roundTrip(b(s))).isEqualTo(b(s));
        }
    }

    @Test
    void collectionsRoundTripInBothEncodings() {
        Random random = new Random(3);
        for (int size : new int[]{1, 5, 127, 129, 600, 3000}) {
            HashValue h = new HashValue();
            SetValue ints = SetValue.empty();
            SetValue strings = SetValue.create(b("m"), size, LIMITS.set());
            ListValue list = new ListValue();
            ZSetValue z = ZSetValue.create(size, 10, LIMITS.zset());
            for (int i = 0; i < size; i++) {
                String v = random.nextInt(3) == 0 ? Long.toString(random.nextLong()) : "v" + random.nextInt(1000);
                h.put(b("f" + i), b(v), LIMITS.hash());
                ints.add(b(Long.toString(random.nextLong() >> random.nextInt(60))), LIMITS.set());
                strings.add(b("m" + i), LIMITS.set());
                byte[] e = b(v);
                list.growing(e, -2);
                list.pushLast(e, -2);
                z.put(b("z" + i), i % 7 == 0 ? Double.POSITIVE_INFINITY : random.nextGaussian() * 1e6, LIMITS.zset());
            }
            HashValue h2 = (HashValue) roundTrip(h);
            assertThat(h2.encoding()).isEqualTo(h.encoding());
            h.forEach((f, v) -> assertThat(h2.get(f)).isEqualTo(v));
            assertThat(h2.size()).isEqualTo(h.size());
            for (SetValue s : List.of(ints, strings)) {
                SetValue s2 = (SetValue) roundTrip(s);
                assertThat(s2.encoding()).isEqualTo(s.encoding());
                assertThat(s2.size()).isEqualTo(s.size());
                s.forEach(m -> {
                    assertThat(s2.contains(m)).isTrue();
                    return true;
                });
            }
            ListValue l2 = (ListValue) roundTrip(list);
            assertThat(l2.encoding()).isEqualTo(list.encoding());
            assertThat(elements(l2)).containsExactlyElementsOf(elements(list));
            ZSetValue z2 = (ZSetValue) roundTrip(z);
            assertThat(z2.encoding()).isEqualTo(z.encoding());
            assertThat(z2.size()).isEqualTo(z.size());
            z.forEach((m, score) -> {
                assertThat(z2.score(m)).isEqualTo(score);
                return true;
            });
        }
    }

    private static List<String> elements(ListValue l) {
        List<String> out = new ArrayList<>();
        l.forEach(0, false, e -> out.add(new String(e, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void damagedPayloadsAreRefused() {
        byte[] payload = DumpPayload.dump(b("hello world"), false);
        byte[] flipped = payload.clone();
        flipped[3] ^= 1;
        assertThat(DumpPayload.verify(flipped, true)).isFalse();
        assertThat(DumpPayload.verify(new byte[9], true)).isFalse();
        byte[] newer = payload.clone();
        newer[payload.length - 10] = 12;
        assertThat(DumpPayload.verify(newer, false)).isFalse();
        byte[] badType = payload.clone();
        badType[0] = 8;
        assertThat(DumpPayload.restore(badType, LIMITS)).isNull();
    }

    @Test
    void snapshotRoundTripsThroughTheReader() throws Exception {
        Keyspace ks = new Keyspace(16, () -> 1_000_000L);
        Map<String, Object> expected = new HashMap<>();
        for (int d = 0; d < 16; d += 5) {
            for (int i = 0; i < 300; i++) {
                String key = "k" + d + ":" + i;
                ks.lockAll();
                try {
                    ks.db(d).put(b(key), b("value-" + i), i % 3 == 0 ? 2_000_000L + i : 0, false);
                } finally {
                    ks.unlockAll();
                }
                expected.put(d + "/" + key, "value-" + i + "@" + (i % 3 == 0 ? 2_000_000L + i : 0));
            }
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Map<String, byte[]> aux = new LinkedHashMap<>();
        aux.put("redis-ver", b("7.2.4"));
        long written = new RdbSnapshot(ks, RdbTypes.VERSION, true).writeTo(file, aux, true);
        assertThat(written).isEqualTo(expected.size());
        Map<String, String> loaded = new HashMap<>();
        Map<String, String> auxRead = new HashMap<>();
        RdbReader.Summary summary = RdbReader.read(new ByteArrayInputStream(file.toByteArray()), LIMITS, 16, true,
                new RdbReader.Sink() {
                    @Override
                    public void key(int db, byte[] key, Object value, long expireAt, long idle) {
                        loaded.put(db + "/" + new String(key, StandardCharsets.UTF_8),
                                new String((byte[]) value, StandardCharsets.UTF_8) + "@" + expireAt);
                    }

                    @Override
                    public void aux(String name, byte[] value) {
                        auxRead.put(name, new String(value, StandardCharsets.UTF_8));
                    }
                });
        assertThat(summary.checksumVerified()).isTrue();
        assertThat(loaded).isEqualTo(expected.entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (String) e.getValue())));
        assertThat(auxRead).containsEntry("redis-ver", "7.2.4");

        byte[] bytes = file.toByteArray();
        for (int cut : new int[]{5, 20, bytes.length / 2, bytes.length - 1}) {
            assertThatThrownBy(() -> RdbReader.read(new ByteArrayInputStream(java.util.Arrays.copyOf(bytes, cut)),
                    LIMITS, 16, true, (db, k, v, e, i) -> { }))
                    .isInstanceOf(RdbFormatException.class);
        }
        byte[] corrupt = bytes.clone();
        corrupt[bytes.length / 2] ^= 0x5A;
        assertThatThrownBy(() -> RdbReader.read(new ByteArrayInputStream(corrupt), LIMITS, 16, true,
                (db, k, v, e, i) -> { })).isInstanceOf(RuntimeException.class);
    }
}
