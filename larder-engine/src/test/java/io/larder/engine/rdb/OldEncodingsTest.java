package io.larder.engine.rdb;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.hash.HashValue;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetLimits;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encodings only older Redis versions wrote (ziplist, zipmap, quicklist 1, string-encoded scores, expiries
 * in seconds), built here byte by byte from the format's description, read back through the codec.
 */
class OldEncodingsTest {
    private static final RdbValues.Limits LIMITS = new RdbValues.Limits(new HashLimits(128, 64),
            new SetLimits(512, 128, 64), new ZSetLimits(128, 64), -2);

    /** A ziplist of the given entries: strings, or Longs in the narrowest integer encoding. */
    private static byte[] ziplist(Object... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        for (Object e : entries) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            if (prev < 254) {
                entry.write(prev);
            } else {
                entry.write(254);
                le(entry, prev, 4);
            }
            if (e instanceof Long v) {
                if (v >= 0 && v <= 12) {
                    entry.write(0xF1 + v.intValue());
                } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                    entry.write(0xFE);
                    le(entry, v, 1);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    entry.write(0xC0);
                    le(entry, v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    entry.write(0xF0);
                    le(entry, v, 3);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    entry.write(0xD0);
                    le(entry, v, 4);
                } else {
                    entry.write(0xE0);
                    le(entry, v, 8);
                }
            } else {
                byte[] s = ((String) e).getBytes(StandardCharsets.UTF_8);
                if (s.length < 64) {
                    entry.write(s.length);
                } else if (s.length < 16384) {
                    entry.write(0x40 | (s.length >>> 8));
                    entry.write(s.length & 0xFF);
                } else {
                    entry.write(0x80);
                    entry.write(s.length >>> 24);
                    entry.write(s.length >>> 16);
                    entry.write(s.length >>> 8);
                    entry.write(s.length);
                }
                entry.writeBytes(s);
            }
            prev = entry.size();
            body.writeBytes(entry.toByteArray());
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        le(zl, 10 + body.size() + 1, 4);
        le(zl, 0, 4); // tail offset, not used by the reader
        le(zl, entries.length, 2);
        zl.writeBytes(body.toByteArray());
        zl.write(0xFF);
        return zl.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private static Object read(int type, byte[]... strings) {
        RdbOutput out = new RdbOutput(64, false);
        for (byte[] s : strings) {
            out.writeString(s);
        }
        byte[] body = out.toByteArray();
        return RdbValues.read(RdbInput.of(body, body.length), type, LIMITS);
    }

    private static List<String> elements(ListValue l) {
        List<String> out = new ArrayList<>();
        l.forEach(0, false, e -> out.add(new String(e, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void ziplistListsInEveryEntryEncoding() {
        String long1 = "L".repeat(300);
        String huge = "H".repeat(17000);
        byte[] zl = ziplist("hello", 7L, -5L, 1000L, 5_000_000L, 100_000L, -3_000_000_000L, long1, 12L, huge, "");
        ListValue l = (ListValue) read(RdbTypes.LIST_ZIPLIST, zl);
        assertThat(elements(l)).containsExactly("hello", "7", "-5", "1000", "5000000", "100000", "-3000000000",
                long1, "12", huge, "");
    }

    @Test
    void quicklistOfZiplists() {
        RdbOutput out = new RdbOutput(64, false);
        out.writeLength(2);
        out.writeString(ziplist("a", 1L));
        out.writeString(ziplist("b", 2L, "c"));
        byte[] body = out.toByteArray();
        ListValue l = (ListValue) RdbValues.read(RdbInput.of(body, body.length), RdbTypes.LIST_QUICKLIST, LIMITS);
        assertThat(elements(l)).containsExactly("a", "1", "b", "2", "c");
    }

    @Test
    void zipmapAndZiplistHashes() {
        ByteArrayOutputStream zm = new ByteArrayOutputStream();
        zm.write(2);
        for (String[] kv : new String[][]{{"name", "larder"}, {"big", "v".repeat(300)}}) {
            zm.write(kv[0].length());
            zm.writeBytes(kv[0].getBytes());
            byte[] v = kv[1].getBytes();
            if (v.length < 254) {
                zm.write(v.length);
            } else {
                zm.write(254);
                le(zm, v.length, 4);
            }
            zm.write(3); // free bytes after the value
            zm.writeBytes(v);
            zm.writeBytes(new byte[3]);
        }
        zm.write(0xFF);
        HashValue h = (HashValue) read(RdbTypes.HASH_ZIPMAP, zm.toByteArray());
        assertThat(new String(h.get("name".getBytes()))).isEqualTo("larder");
        assertThat(new String(h.get("big".getBytes()))).isEqualTo("v".repeat(300));
        assertThat(h.encoding()).isEqualTo("hashtable"); // a 300-byte value is past hash-max-listpack-value

        HashValue z = (HashValue) read(RdbTypes.HASH_ZIPLIST, ziplist("f", 5L, "g", "x"));
        assertThat(new String(z.get("f".getBytes()))).isEqualTo("5");
        assertThat(z.encoding()).isEqualTo("listpack");
        assertThatThrownBy(() -> read(RdbTypes.HASH_ZIPLIST, ziplist("f", 5L, "f", "x")))
                .hasMessageContaining("Duplicate");
    }

    @Test
    void ziplistAndStringScoreSortedSets() {
        ZSetValue z = (ZSetValue) read(RdbTypes.ZSET_ZIPLIST, ziplist("a", 3L, "b", "1.5", "c", "-inf"));
        assertThat(z.score("a".getBytes())).isEqualTo(3.0);
        assertThat(z.score("b".getBytes())).isEqualTo(1.5);
        assertThat(z.score("c".getBytes())).isEqualTo(Double.NEGATIVE_INFINITY);

        RdbOutput out = new RdbOutput(64, false);
        out.writeLength(3);
        out.writeString("x".getBytes());
        out.writeByte(4);
        out.writeBytes("2.25".getBytes());
        out.writeString("y".getBytes());
        out.writeByte(254);
        out.writeString("z".getBytes());
        out.writeByte(255);
        byte[] body = out.toByteArray();
        ZSetValue old = (ZSetValue) RdbValues.read(RdbInput.of(body, body.length), RdbTypes.ZSET, LIMITS);
        assertThat(old.score("x".getBytes())).isEqualTo(2.25);
        assertThat(old.score("y".getBytes())).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(old.score("z".getBytes())).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void version3FileWithExpiryInSecondsAndNoChecksum() {
        RdbOutput f = new RdbOutput(64, false);
        f.writeBytes("REDIS0003".getBytes());
        f.writeByte(RdbTypes.OPCODE_SELECTDB);
        f.writeLength(2);
        f.writeByte(RdbTypes.OPCODE_EXPIRETIME);
        f.writeLittleEndian(2_000_000_000L, 4);
        f.writeByte(RdbTypes.STRING);
        f.writeString("k".getBytes());
        f.writeString("v".getBytes());
        f.writeByte(RdbTypes.LIST);
        f.writeString("l".getBytes());
        f.writeLength(2);
        f.writeString("a".getBytes());
        f.writeString("b".getBytes());
        f.writeByte(RdbTypes.OPCODE_EOF);
        byte[] file = f.toByteArray();
        Map<String, Long> expiries = new HashMap<>();
        RdbReader.Summary summary = RdbReader.read(new ByteArrayInputStream(file), LIMITS, 16, true,
                (db, key, value, at, idle) -> {
                    assertThat(db).isEqualTo(2);
                    expiries.put(new String(key), at);
                });
        assertThat(summary.version()).isEqualTo(3);
        assertThat(expiries).containsEntry("k", 2_000_000_000_000L).containsEntry("l", 0L);
    }

    @Test
    void checksumCatchesAFlippedByteInsideAPlainString() throws Exception {
        io.larder.engine.keyspace.Keyspace ks = new io.larder.engine.keyspace.Keyspace(16, () -> 0L);
        ks.lockAll();
        try {
            ks.db(0).put("k".getBytes(), "0123456789".repeat(3).getBytes());
        } finally {
            ks.unlockAll();
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        new RdbSnapshot(ks, RdbTypes.VERSION, false).writeTo(file, Map.of(), true);
        byte[] bytes = file.toByteArray();
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("0123456789") + 4;
        bytes[at] ^= 1;
        assertThatThrownBy(() -> RdbReader.read(new ByteArrayInputStream(bytes), LIMITS, 16, true,
                (db, key, value, e, idle) -> { })).hasMessage("Wrong RDB checksum");
        // with rdbchecksum off the same file loads
        RdbReader.read(new ByteArrayInputStream(bytes), LIMITS, 16, false, (db, key, value, e, idle) -> { });
    }
}
