package io.larder.node.commands.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;

import io.larder.engine.hash.HashValue;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetValue;
import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.DoubleFormat;
import io.larder.engine.zset.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * DEBUG DIGEST and DIGEST-VALUE, computed the way Redis does (SHA-1 mixing per key, XOR across keys, so the
 * order keys are visited in does not matter): the same dataset gives the same 40 hex digits on Redis and Larder.
 */
final class DatasetDigest {
    // Redis's type codes, mixed in before each value.
    private static final int OBJ_STRING = 0;
    private static final int OBJ_LIST = 1;
    private static final int OBJ_SET = 2;
    private static final int OBJ_ZSET = 3;
    private static final int OBJ_HASH = 4;
    private static final int OBJ_STREAM = 6;
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private DatasetDigest() {
    }

    /** Digest of every database; the caller holds every stripe. */
    static byte[] dataset(Keyspace keyspace) {
        byte[] result = new byte[20];
        long now = keyspace.clock().millis();
        for (int d = 0; d < keyspace.databaseCount(); d++) {
            Db db = keyspace.db(d);
            if (db.size() == 0) {
                continue;
            }
            List<byte[]> keys = new ArrayList<>();
            for (int slot = 0; slot < HashSlot.COUNT; slot++) {
                db.forEachLiveKey(slot, now, keys::add);
            }
            mix(result, int32(d));
            for (byte[] key : keys) {
                Object value = db.get(key, false);
                if (value == null) {
                    continue;
                }
                byte[] digest = new byte[20];
                mix(digest, key);
                xorValue(digest, value, db.expiry(key) > 0);
                xor(result, sha1(digest));
            }
        }
        return result;
    }

    /** Digest of one key's value (20 zero bytes when the key does not exist); the caller holds its stripe. */
    static byte[] value(Db db, byte[] key) {
        byte[] digest = new byte[20];
        Object value = db.get(key, false);
        if (value != null) {
            xorValue(digest, value, db.expiry(key) > 0);
        }
        return digest;
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static void xorValue(byte[] digest, Object value, boolean hasExpire) {
        switch (value) {
            case SetValue set -> {
                mix(digest, int32(OBJ_SET));
                set.forEach(member -> {
                    xor(digest, sha1(member));
                    return true;
                });
            }
            case ListValue list -> {
                mix(digest, int32(OBJ_LIST));
                if (list.size() > 0) {
                    list.forEach(0, false, element -> {
                        mix(digest, element);
                        return true;
                    });
                }
            }
            case ZSetValue zset -> {
                // Redis 7.2 mixes each score in fpconv_dtoa's shortest form (7.0 used %.17g).
                mix(digest, int32(OBJ_ZSET));
                zset.forEach((member, score) -> {
                    byte[] entry = new byte[20];
                    mix(entry, member);
                    mix(entry, DoubleFormat.shortest(score).getBytes(StandardCharsets.US_ASCII));
                    xor(digest, sha1(entry));
                    return true;
                });
            }
            case StreamValue stream -> {
                // Entries in order: the ID as "ms.seq", then each field and value; groups are not part of it.
                mix(digest, int32(OBJ_STREAM));
                stream.range(StreamId.MIN, StreamId.MAX, false, (id, fieldValues) -> {
                    mix(digest, (Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq()))
                            .getBytes(StandardCharsets.US_ASCII));
                    for (byte[] b : fieldValues) {
                        mix(digest, b);
                    }
                    return true;
                });
            }
            case HashValue hash -> {
                mix(digest, int32(OBJ_HASH));
                hash.forEach((field, fieldValue) -> {
                    byte[] entry = new byte[20];
                    mix(entry, field);
                    mix(entry, fieldValue);
                    xor(digest, sha1(entry));
                });
            }
            default -> {
                if (!StringValues.isString(value)) {
                    throw new IllegalStateException("DEBUG DIGEST does not know the type "
                            + value.getClass().getSimpleName());
                }
                mix(digest, int32(OBJ_STRING));
                mix(digest, StringValues.bytes(value));
            }
        }
        if (hasExpire) {
            xor(digest, sha1(EXPIRE_MARK));
        }
    }

    /** Redis's mixDigest: XOR in SHA-1(data), then replace the digest with its own SHA-1. */
    private static void mix(byte[] digest, byte[] data) {
        xor(digest, sha1(data));
        System.arraycopy(sha1(digest), 0, digest, 0, 20);
    }

    /** XORs raw bytes (callers pass SHA-1 results: Redis's xorDigest hashes what it folds in). */
    private static void xor(byte[] digest, byte[] other) {
        for (int i = 0; i < 20; i++) {
            digest[i] ^= other[i];
        }
    }

    /** A 32-bit value in network byte order, as Redis mixes database numbers and type codes. */
    private static byte[] int32(int v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
