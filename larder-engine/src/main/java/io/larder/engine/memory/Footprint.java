package io.larder.engine.memory;

import io.larder.engine.hash.HashValue;
import io.larder.engine.keyspace.Dict;
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
 * <p>
 * Under G1 an array of half a heap region or more is humongous: it occupies whole regions, and the tables'
 * power-of-two arrays sit just above a power of two, so such an array can cost nearly twice its size. Large
 * arrays are priced at the regions they take.
 */
public final class Footprint {
    /** Object header; arrays add a 4-byte length after it. */
    public static final int HEADER = compactHeaders() ? 8 : 12;
    public static final int REF = 4;
    private static final int ARRAY_HEADER = HEADER + 4;
    /** Elements examined to price a collection that is larger than this (Redis's MEMORY USAGE default is 5). */
    public static final int ACCOUNTING_SAMPLES = 16;
    /** One skip list node: the object (member, backward, forward and span references, score) and its two
     * level arrays at the average level of 4/3. */
    private static final int SKIPLIST_NODE = 32 + 2 * 18;
    /** A Dict object: four references and three ints. */
    private static final long DICT_OBJECT = object(4 * REF + 3 * 4);
    private static final long HUMONGOUS_REGION = humongousRegion();

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

    /** G1's region size, or 0 when another collector runs (no humongous rounding then). */
    private static long humongousRegion() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(bean.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** Heap taken by one array of {@code bytes}: whole regions when it is humongous. */
    private static long array(long bytes) {
        long size = align(bytes);
        if (HUMONGOUS_REGION > 0 && size >= HUMONGOUS_REGION / 2) {
            return (size + HUMONGOUS_REGION - 1) / HUMONGOUS_REGION * HUMONGOUS_REGION;
        }
        return size;
    }

    /** Heap bytes of a keyspace or collection table itself (object and arrays, not keys and values). */
    public static long table(Dict dict) {
        return table(dict.capacity(), dict.hasExpiryArray(), dict.hasCostArray());
    }

    private static long table(long cells, boolean expiries, boolean costs) {
        return DICT_OBJECT + longArray(cells) + refArray(2 * cells) + (costs ? intArray(cells) : 0)
                + (expiries ? longArray(cells) : 0);
    }

    /** Capacity of an array grown by doubling from 4 to hold {@code size} elements. */
    private static long grown(int size) {
        return size <= 4 ? 4 : Long.highestOneBit(size - 1) * 2;
    }

    /** A collection's table holding {@code size} elements, at the capacity growth gives it (load <= 3/4). */
    private static long tableFor(int size) {
        long cells = Math.max(4, Long.highestOneBit(Math.max(1, (size * 4L + 2) / 3 - 1)) * 2);
        return table(cells, false, false);
    }

    public static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    public static long byteArray(long length) {
        return array(ARRAY_HEADER + length);
    }

    public static long longArray(long length) {
        return array(ARRAY_HEADER + 8L * length);
    }

    public static long refArray(long length) {
        return array(ARRAY_HEADER + (long) REF * length);
    }

    public static long intArray(long length) {
        return array(ARRAY_HEADER + 4L * length);
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
            case HashValue h -> object(16) + (h.isCompact() ? byteArray(h.packedCapacity()) : tableFor(h.size())
                    + elements(h.size(), samples, random, h,
                            (hv, p) -> byteArray(hv.fieldAt(p).length) + byteArray(hv.valueAt(p).length)));
            case SetValue s -> object(24) + switch (s.encoding()) {
                case "intset" -> longArray(grown(s.size()));
                case "listpack" -> refArray(grown(s.size()))
                        + elements(s.size(), samples, random, s, (sv, p) -> byteArray(sv.memberAt(p).length));
                default -> tableFor(s.size())
                        + elements(s.size(), samples, random, s, (sv, p) -> byteArray(sv.memberAt(p).length));
            };
            case ZSetValue z -> object(24) + (z.isCompact() ? refArray(grown(z.size())) + longArray(grown(z.size()))
                    : tableFor(z.size()) + (long) SKIPLIST_NODE * z.size())
                    + elements(z.size(), samples, random, z, (zv, p) -> byteArray(zv.memberAt(p).length));
            case ListValue l -> object(16) + list(l, samples);
            // A type this class does not know (a test's stand-in value) must not fail a write: a bare object.
            default -> object(REF);
        };
    }

    /**
     * Whether a write should price the value again. Strings and collections of up to 64 elements always; a
     * larger collection only when its size reaches a multiple of a power of two near 1/32 of itself, or lies
     * within that distance of a size where its table or array is resized: pricing samples elements at random
     * (a cache miss each), which would cost a write to a million-element collection several times the write
     * itself. In between, its accounted size lags the real one by under about 3% of its elements (more only if
     * elements change size while the count stays), never by a table resize.
     */
    public static boolean repriceAfterWrite(Object value) {
        long size = switch (value) {
            case HashValue h -> h.size();
            case SetValue s -> s.size();
            case ZSetValue z -> z.size();
            case ListValue l -> l.size();
            default -> 0;
        };
        if (size <= 4 * ACCOUNTING_SAMPLES || size >= Integer.MAX_VALUE / 2) {
            return true;
        }
        int n = (int) size;
        int step = Integer.highestOneBit(n) >>> 5;
        return (n & (step - 1)) == 0 || tableFor(n - step) != tableFor(n + step) || grown(n - step) != grown(n + step);
    }

    /** Bytes of one stored key with its value, outside the table (which the keyspace counts on its own). */
    public static long entry(byte[] key, Object value, RandomGenerator random) {
        return byteArray(key.length) + align(of(value, ACCOUNTING_SAMPLES, random)); // scaled samples are not
    }

    private interface ElementBytes<C> {
        long at(C collection, int position);
    }

    /** Bytes of a collection's elements: all of them, or a sample scaled to the size. */
    private static <C extends io.larder.engine.util.Sampling.Positioned> long elements(int size, int samples,
            RandomGenerator random, C c, ElementBytes<C> bytes) {
        long total = 0;
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
