package io.larder.engine.hll;

import io.larder.engine.string.MutableString;

/**
 * Redis's HyperLogLog, byte for byte: a string value with a 16-byte header ("HYLL", the encoding, three unused
 * bytes, the cached cardinality as 8 little-endian bytes whose top bit marks it stale) followed by 16384
 * registers, either sparse (run-length opcodes ZERO, XZERO and VAL) or dense (6 bits each, least significant
 * bits first). Cardinalities use Otmar Ertl's estimator over the register histogram, as Redis 7 does.
 * <p>
 * Methods working on a {@link MutableString} edit it in place (the caller holds the key's lock).
 */
public final class HyperLogLog {
    public static final int HEADER_SIZE = 16;
    public static final int REGISTERS = 1 << 14;
    public static final int DENSE_SIZE = HEADER_SIZE + (REGISTERS * 6 + 7) / 8;
    /** Elements are hashed with this seed; changing it would make every stored HLL meaningless. */
    private static final long HASH_SEED = 0xadc83b19L;
    private static final int P = 14;
    private static final int Q = 64 - P;
    private static final int REGISTER_MAX = 63;
    private static final int ENCODING = 4;
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    private static final int CARD = 8;
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int XZERO_MAX_LEN = 16384;
    /** 1 / (2 ln 2), the estimator's constant for m going to infinity. */
    private static final double ALPHA_INF = 0.721347520444481703680;

    private HyperLogLog() {
    }

    /** A new empty HLL: sparse, one XZERO opcode covering every register, cached cardinality 0. */
    public static byte[] create() {
        byte[] hll = new byte[HEADER_SIZE + 2];
        hll[0] = 'H';
        hll[1] = 'Y';
        hll[2] = 'L';
        hll[3] = 'L';
        hll[ENCODING] = SPARSE;
        xzero(hll, HEADER_SIZE, XZERO_MAX_LEN);
        return hll;
    }

    /** Redis's isHLLObjectOrReply: magic, a known encoding, and the exact size when dense. */
    public static boolean isValid(byte[] bytes, int length) {
        return length >= HEADER_SIZE && bytes[0] == 'H' && bytes[1] == 'Y' && bytes[2] == 'L' && bytes[3] == 'L'
                && (bytes[ENCODING] & 0xff) <= SPARSE && (bytes[ENCODING] != DENSE || length == DENSE_SIZE);
    }

    public static boolean isSparse(byte[] bytes) {
        return bytes[ENCODING] == SPARSE;
    }

    /** Adds an element: 1 when a register grew, 0 when none did, -1 when the value is corrupt. */
    public static int add(MutableString hll, byte[] element, int sparseMaxBytes) {
        long hash = MurmurHash64A.hash(element, HASH_SEED);
        int index = (int) (hash & (REGISTERS - 1));
        // The run of zeros after the index bits, plus one; a sentinel bit bounds it by Q + 1.
        int count = Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
        return set(hll, index, count, sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count}: 1 when it grew, 0 when not, -1 when corrupt. */
    public static int set(MutableString hll, int index, int count, int sparseMaxBytes) {
        if (hll.array()[ENCODING] == DENSE) {
            return denseSet(hll.array(), index, count) ? 1 : 0;
        }
        return sparseSet(hll, index, count, sparseMaxBytes);
    }

    public static void invalidateCache(byte[] bytes) {
        bytes[CARD + 7] |= (byte) 0x80;
    }

    /** The cached cardinality, or -1 when it is stale. */
    public static long cachedCardinality(byte[] bytes) {
        if ((bytes[CARD + 7] & 0x80) != 0) {
            return -1;
        }
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | (bytes[CARD + i] & 0xff);
        }
        return card;
    }

    public static void cacheCardinality(byte[] bytes, long card) {
        for (int i = 0; i < 8; i++) {
            bytes[CARD + i] = (byte) (card >>> (8 * i));
        }
    }

    /** The estimated cardinality of a valid HLL, or -1 when its sparse registers are corrupt. */
    public static long count(byte[] bytes, int length) {
        int[] histogram = new int[64];
        if (bytes[ENCODING] == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                histogram[register(bytes, i)]++;
            }
        } else {
            int covered = 0;
            int p = HEADER_SIZE;
            while (p < length) {
                int op = bytes[p] & 0xff;
                if (isZero(op)) {
                    covered += zeroLen(op);
                    histogram[0] += zeroLen(op);
                    p++;
                } else if (isXzero(op)) {
                    int run = xzeroLen(bytes, p, length);
                    covered += run;
                    histogram[0] += run;
                    p += 2;
                } else {
                    covered += valLen(op);
                    histogram[valValue(op)] += valLen(op);
                    p++;
                }
            }
            if (covered != REGISTERS) {
                return -1;
            }
        }
        return estimate(histogram);
    }

    /** The estimate for registers held one per byte (the union PFCOUNT builds over several keys). */
    public static long countRaw(byte[] registers) {
        int[] histogram = new int[64];
        for (int i = 0; i < REGISTERS; i++) {
            histogram[registers[i]]++;
        }
        return estimate(histogram);
    }

    /**
     * Raises each of {@code max}'s one-byte registers to this HLL's; false when the HLL is corrupt: runs that do
     * not cover exactly the 16384 registers, or that pass the end (Redis's fix for CVE-2025-32023).
     */
    public static boolean mergeInto(byte[] max, byte[] bytes, int length) {
        if (bytes[ENCODING] == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int value = register(bytes, i);
                if (value > max[i]) {
                    max[i] = (byte) value;
                }
            }
            return true;
        }
        int i = 0;
        int p = HEADER_SIZE;
        while (p < length) {
            int op = bytes[p] & 0xff;
            if (isZero(op)) {
                i += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                i += xzeroLen(bytes, p, length);
                p += 2;
            } else {
                int run = valLen(op);
                int value = valValue(op);
                if (run + i > REGISTERS) {
                    return false;
                }
                for (int end = i + run; i < end; i++) {
                    if (value > max[i]) {
                        max[i] = (byte) value;
                    }
                }
                p++;
            }
        }
        return i == REGISTERS;
    }

    /** Converts a sparse HLL to dense in place (no-op when dense); false when the sparse data is corrupt. */
    public static boolean toDense(MutableString hll) {
        byte[] sparse = hll.array();
        if (sparse[ENCODING] == DENSE) {
            return true;
        }
        int length = hll.length();
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(sparse, 0, dense, 0, HEADER_SIZE);
        dense[ENCODING] = DENSE;
        int idx = 0;
        int p = HEADER_SIZE;
        while (p < length) {
            int op = sparse[p] & 0xff;
            if (isZero(op)) {
                idx += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                idx += xzeroLen(sparse, p, length);
                p += 2;
            } else {
                int run = valLen(op);
                if (run + idx > REGISTERS) {
                    return false;
                }
                for (int end = idx + run; idx < end; idx++) {
                    setRegister(dense, idx, valValue(op));
                }
                p++;
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        hll.resize(DENSE_SIZE);
        System.arraycopy(dense, 0, hll.array(), 0, DENSE_SIZE);
        return true;
    }

    /** Register {@code index} of a dense HLL. */
    public static int register(byte[] dense, int index) {
        int bit = index * 6;
        int at = HEADER_SIZE + (bit >>> 3);
        int shift = bit & 7;
        int low = (dense[at] & 0xff) >>> shift;
        int high = at + 1 < DENSE_SIZE ? (dense[at + 1] & 0xff) << (8 - shift) : 0;
        return (low | high) & REGISTER_MAX;
    }

    /** PFDEBUG DECODE's listing of the sparse opcodes: "z:len", "Z:len", "v:value,len". */
    public static String decode(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder();
        int p = HEADER_SIZE;
        while (p < length) {
            int op = bytes[p] & 0xff;
            if (!out.isEmpty()) {
                out.append(' ');
            }
            if (isZero(op)) {
                out.append("z:").append(zeroLen(op));
                p++;
            } else if (isXzero(op)) {
                out.append("Z:").append(xzeroLen(bytes, p, length));
                p += 2;
            } else {
                out.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return out.toString();
    }

    static void setRegister(byte[] dense, int index, int value) {
        int bit = index * 6;
        int at = HEADER_SIZE + (bit >>> 3);
        int shift = bit & 7;
        dense[at] = (byte) ((dense[at] & ~(REGISTER_MAX << shift)) | (value << shift));
        if (at + 1 < DENSE_SIZE) {
            int spill = 8 - shift;
            dense[at + 1] = (byte) ((dense[at + 1] & ~(REGISTER_MAX >>> spill)) | (value >>> spill));
        }
    }

    private static boolean denseSet(byte[] dense, int index, int count) {
        if (count > register(dense, index)) {
            setRegister(dense, index, count);
            return true;
        }
        return false;
    }

    /**
     * Redis's hllSparseSet: finds the opcode covering the register, rewrites it as up to three opcodes (the
     * register's new VAL between what remains of the old run), merges equal adjacent VALs near the change, and
     * promotes to dense when a value exceeds 32 or the string would pass {@code sparseMaxBytes}.
     */
    private static int sparseSet(MutableString hll, int index, int count, int sparseMaxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(hll, index, count);
        }
        byte[] a = hll.array();
        int end = hll.length();
        int p = HEADER_SIZE;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int op = a[p] & 0xff;
            int opLength = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = xzeroLen(a, p, end);
                opLength = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += opLength;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = a[p] & 0xff;
        boolean xzero = isXzero(op);
        int next = xzero ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean updatedInPlace = false;
        if (isVal(op)) {
            if (valValue(op) >= count) {
                return 0;
            }
            if (valLen(op) == 1) {
                a[p] = val(count, 1);
                updatedInPlace = true;
            }
        } else if (isZero(op) && zeroLen(op) == 1) {
            a[p] = val(count, 1);
            updatedInPlace = true;
        }
        if (!updatedInPlace) {
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (!isVal(op)) {
                if (index != first) {
                    n = zeroRun(seq, n, index - first);
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    n = zeroRun(seq, n, last - index);
                }
            } else {
                int current = valValue(op);
                if (index != first) {
                    seq[n++] = val(current, index - first);
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    seq[n++] = val(current, last - index);
                }
            }
            int delta = n - (xzero ? 2 : 1);
            if (delta > 0 && end + delta > sparseMaxBytes) {
                return promote(hll, index, count);
            }
            if (delta > 0) {
                hll.resize(end + delta);
                a = hll.array();
            }
            if (delta != 0 && next >= 0) {
                System.arraycopy(a, next, a, next + delta, end - next);
            }
            if (delta < 0) {
                hll.resize(end + delta);
            }
            System.arraycopy(seq, 0, a, p, n);
            end += delta;
        }
        end = mergeAdjacentValues(hll, prev >= 0 ? prev : HEADER_SIZE, end);
        invalidateCache(hll.array());
        return 1;
    }

    /** Merges equal neighbouring VAL opcodes among the (up to) five opcodes from {@code p}; returns the end. */
    private static int mergeAdjacentValues(MutableString hll, int p, int end) {
        byte[] a = hll.array();
        int scan = 5;
        while (p < end && scan-- > 0) {
            int op = a[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            }
            if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(a[p + 1] & 0xff)) {
                int nextOp = a[p + 1] & 0xff;
                int merged = valLen(op) + valLen(nextOp);
                if (valValue(op) == valValue(nextOp) && merged <= SPARSE_VAL_MAX_LEN) {
                    a[p + 1] = val(valValue(op), merged);
                    System.arraycopy(a, p + 1, a, p, end - p - 1);
                    end--;
                    hll.resize(end);
                    continue;
                }
            }
            p++;
        }
        return end;
    }

    private static int promote(MutableString hll, int index, int count) {
        if (!toDense(hll)) {
            return -1;
        }
        denseSet(hll.array(), index, count);
        return 1;
    }

    /** Writes a run of zero registers as ZERO, or XZERO when longer than a ZERO can say; returns the new end. */
    private static int zeroRun(byte[] seq, int n, int length) {
        if (length > SPARSE_ZERO_MAX_LEN) {
            xzero(seq, n, length);
            return n + 2;
        }
        seq[n] = (byte) (length - 1);
        return n + 1;
    }

    private static void xzero(byte[] out, int at, int length) {
        int encoded = length - 1;
        out[at] = (byte) (0x40 | (encoded >>> 8));
        out[at + 1] = (byte) encoded;
    }

    private static byte val(int value, int length) {
        return (byte) (0x80 | ((value - 1) << 2) | (length - 1));
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    /** An XZERO's run; a truncated opcode reads its second byte as zero (Redis reads the string's terminator). */
    private static int xzeroLen(byte[] bytes, int p, int length) {
        int low = p + 1 < length ? bytes[p + 1] & 0xff : 0;
        return (((bytes[p] & 0x3f) << 8) | low) + 1;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 3) + 1;
    }

    /** Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches"). */
    private static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; j--) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double y = 1;
        double z = x;
        double previous;
        do {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        } while (previous != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double y = 1.0;
        double z = 1 - x;
        double previous;
        do {
            x = Math.sqrt(x);
            previous = z;
            y *= 0.5;
            double gap = 1 - x;
            z -= gap * gap * y;
        } while (previous != z);
        return z / 3;
    }
}
