package io.larder.engine.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/** The seeded byte-string hash of the keyspace and of the hash tables inside hash and set values. */
public final class BytesHash {
    /** Seed for tables inside values; random per process so crafted collisions cannot be prepared. */
    public static final int VALUE_SEED = ThreadLocalRandom.current().nextInt();

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private BytesHash() {
    }

    /** A keyed 64-bit multiply-xorshift over 8-byte words, folded to 32 bits. */
    public static int hash(int seed, byte[] key) {
        long h = seed ^ (key.length * 0x9E3779B97F4A7C15L);
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            h = mix(h ^ (long) LONGS.get(key, i));
        }
        long tail = 0;
        for (int shift = 0; i < key.length; i++, shift += 8) {
            tail |= (key[i] & 0xffL) << shift;
        }
        h = mix(h ^ tail);
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long h) {
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 29);
    }
}
