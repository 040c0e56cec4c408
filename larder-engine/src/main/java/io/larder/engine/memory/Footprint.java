package io.larder.engine.memory;

import io.larder.engine.hash.HashValue;
import io.larder.engine.list.ListValue;
import io.larder.engine.set.SetValue;
import io.larder.engine.string.MutableString;
import io.larder.engine.zset.ZSetValue;

import java.lang.management.ManagementFactory;
import java.util.random.RandomGenerator;

/**
 * Estimated heap bytes of keys and values, from the JVM's object layout (compressed references; 8-byte headers
 * with compact object headers, 12 without), so that used_memory follows what the data costs this process.
 * Collections are estimated like Redis's MEMORY USAGE: exactly while small, otherwise from a sample of their
 * elements scaled to their size.
 */
public final class Footprint {
    /** Object header; arrays add a 4-byte length after it. */
    public static final int HEADER = compactHeaders() ? 8 : 12;
    public static final int REF = 4;
    private static final int ARRAY_HEADER = HEADER + 4;
    /** Elements examined to price a collection that is larger than this (Redis's MEMORY USAGE default is 5). */
    public static final int ACCOUNTING_SAMPLES = 16;
    /** Table cost per element of a hashtable encoding (a {@code Dict} cell: meta long plus two references at
     * an average load of 0.56). */
    private static final int DICT_CELL = 29;
    /** One skip list node: header, member and backward references, score, level array. */
    private static final int SKIPLIST_NODE = 56;

    private Footprint() {
    }

    private static boolean compactHeaders() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("UseCompactObjectHeaders").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    public static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    public static long byteArray(int length) {
        return align(ARRAY_HEADER + (long) length);
    }

    public static long longArray(int length) {
        return align(ARRAY_HEADER + 8L * length);
    }

    public static long refArray(int length) {
        return align(ARRAY_HEADER + (long) REF * length);
    }

    public static long intArray(int length) {
        return align(ARRAY_HEADER + 4L * length);
    }

    /** An object with the given bytes of fields. */
    public static long object(int fieldBytes) {
        return align(HEADER + (long) fieldBytes);
    }

    /** Bytes of a value, sampling at most {@code samples} elements of a collection (0: all of them). */
    public static long of(Object value, int samples, RandomGenerator random) {
        return switch (value) {
            case byte[] b -> byteArray(b.length);
            case MutableString m -> object(9) + byteArray(m.array().length);
            case HashValue h -> object(12) + collection(h.size(), samples, random, h,
                    (hv, p) -> byteArray(hv.fieldAt(p).length) + byteArray(hv.valueAt(p).length),
                    h.isCompact() ? 2 * REF : DICT_CELL);
            case SetValue s -> object(24) + collection(s.size(), samples, random, s,
                    (sv, p) -> s.encoding().equals("intset") ? 0 : byteArray(sv.memberAt(p).length),
                    s.encoding().equals("intset") ? 8 : s.isCompact() ? REF : DICT_CELL);
            case ZSetValue z -> object(24) + collection(z.size(), samples, random, z,
                    (zv, p) -> byteArray(zv.memberAt(p).length),
                    z.isCompact() ? REF + 8 : DICT_CELL + SKIPLIST_NODE);
            case ListValue l -> object(16) + list(l, samples);
            default -> throw new IllegalArgumentException("unknown value type: " + value.getClass().getName());
        };
    }

    /** Bytes of one stored key with its value, outside the table (which the keyspace counts on its own). */
    public static long entry(byte[] key, Object value, RandomGenerator random) {
        return byteArray(key.length) + of(value, ACCOUNTING_SAMPLES, random);
    }

    private interface ElementBytes<C> {
        long at(C collection, int position);
    }

    private static <C extends io.larder.engine.util.Sampling.Positioned> long collection(int size, int samples,
            RandomGenerator random, C c, ElementBytes<C> bytes, int perElement) {
        long total = (long) size * perElement;
        if (size == 0) {
            return total;
        }
        if (samples <= 0 || size <= samples) {
            for (int p : c.positions()) {
                total += bytes.at(c, p);
            }
            return total;
        }
        long sampled = 0;
        for (int i = 0; i < samples; i++) {
            sampled += bytes.at(c, c.randomPosition(random));
        }
        return total + sampled * size / samples;
    }

    private static long list(ListValue l, int samples) {
        long size = l.size();
        long total = size * REF;
        if (size == 0) {
            return total;
        }
        long[] seen = new long[2];
        long limit = samples <= 0 ? Long.MAX_VALUE : samples;
        l.forEach(0, false, element -> {
            seen[0]++;
            seen[1] += byteArray(element.length);
            return seen[0] < limit;
        });
        return total + seen[1] * size / seen[0];
    }
}
