package io.larder.engine.rdb;

import java.util.Arrays;

/**
 * LZF, the compression RDB uses for strings (rdbcompression). A compressed stream is a sequence of runs: a
 * control byte below 32 is followed by that many plus one literal bytes; otherwise its top three bits (7 meaning
 * "add the next byte") give a match length minus two and the rest, with the next byte, a back offset minus one.
 */
public final class Lzf {
    private static final int HASH_LOG = 14;
    private static final int MAX_LITERAL = 32;
    private static final int MAX_OFFSET = 1 << 13;
    private static final int MAX_MATCH = (1 << 8) + (1 << 3);

    private static final ThreadLocal<int[]> TABLE = ThreadLocal.withInitial(() -> new int[1 << HASH_LOG]);

    private Lzf() {
    }

    /**
     * Compresses {@code in[0..length)} into {@code out}, returning the compressed length, or 0 when the result
     * would not fit in {@code out} (then the caller stores the string as it is).
     */
    public static int compress(byte[] in, int length, byte[] out) {
        int outEnd = out.length;
        if (length < 3 || outEnd < 2) {
            return 0;
        }
        // position + 1 of the last 3-byte sequence with each hash; reused without clearing, because a stale entry
        // is only a candidate: it is bounds-checked and its bytes compared like any other
        int[] table = TABLE.get();
        int ip = 0;
        int op = 1; // out[op - literal - 1] is the control byte of the current literal run
        int literal = 0;
        while (ip < length - 2) {
            int h = hash(in, ip);
            int ref = table[h] - 1;
            table[h] = ip + 1;
            int offset = ip - ref - 1;
            if (ref >= 0 && ref < ip && offset < MAX_OFFSET
                    && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int maxMatch = Math.min(MAX_MATCH, length - ip);
                int len = 3;
                while (len < maxMatch && in[ref + len] == in[ip + len]) {
                    len++;
                }
                if (op + 3 + 1 >= outEnd) {
                    return 0;
                }
                // close the literal run (or take back its unused control byte)
                if (literal > 0) {
                    out[op - literal - 1] = (byte) (literal - 1);
                } else {
                    op--;
                }
                int code = len - 2;
                if (code < 7) {
                    out[op++] = (byte) ((offset >>> 8) + (code << 5));
                } else {
                    out[op++] = (byte) ((offset >>> 8) + (7 << 5));
                    out[op++] = (byte) (code - 7);
                }
                out[op++] = (byte) offset;
                literal = 0;
                op++;
                // index the positions inside the match so later data can refer to them
                int end = ip + len;
                for (int p = ip + 1; p < end && p < length - 2; p++) {
                    table[hash(in, p)] = p + 1;
                }
                ip = end;
            } else {
                if (op >= outEnd) {
                    return 0;
                }
                literal++;
                out[op++] = in[ip++];
                if (literal == MAX_LITERAL) {
                    out[op - literal - 1] = (byte) (literal - 1);
                    literal = 0;
                    op++;
                }
            }
        }
        while (ip < length) {
            if (op >= outEnd) {
                return 0;
            }
            literal++;
            out[op++] = in[ip++];
            if (literal == MAX_LITERAL) {
                out[op - literal - 1] = (byte) (literal - 1);
                literal = 0;
                op++;
            }
        }
        if (literal > 0) {
            out[op - literal - 1] = (byte) (literal - 1);
        } else {
            op--;
        }
        return op;
    }

    private static int hash(byte[] in, int p) {
        int v = ((in[p] & 0xFF) << 16) | ((in[p + 1] & 0xFF) << 8) | (in[p + 2] & 0xFF);
        return (v * 0x9E3779B1) >>> (32 - HASH_LOG);
    }

    /** Decompresses {@code in} into exactly {@code length} bytes; throws {@link RdbFormatException} on bad input. */
    public static byte[] decompress(byte[] in, int length) {
        return decompress(in, 0, in.length, length);
    }

    /**
     * Decompresses {@code in[offset, offset + size)} (which may lie inside a larger buffer: nothing outside
     * the range is read) into exactly {@code length} bytes.
     */
    public static byte[] decompress(byte[] in, int offset, int size, int length) {
        byte[] out = new byte[length];
        int ip = offset;
        int end = offset + size;
        int op = 0;
        try {
            while (ip < end) {
                int ctrl = in[ip++] & 0xFF;
                if (ctrl < 32) {
                    int n = ctrl + 1;
                    if (ip + n > end) {
                        throw new RdbFormatException("invalid LZF data");
                    }
                    System.arraycopy(in, ip, out, op, n);
                    ip += n;
                    op += n;
                } else {
                    int len = ctrl >>> 5;
                    if (ip + (len == 7 ? 2 : 1) > end) {
                        throw new RdbFormatException("invalid LZF data");
                    }
                    if (len == 7) {
                        len += in[ip++] & 0xFF;
                    }
                    int ref = op - ((ctrl & 0x1F) << 8) - 1 - (in[ip++] & 0xFF);
                    if (ref < 0) {
                        throw new RdbFormatException("invalid LZF back reference");
                    }
                    len += 2;
                    for (int i = 0; i < len; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new RdbFormatException("invalid LZF data");
        }
        if (op != length) {
            throw new RdbFormatException("LZF data of the wrong length");
        }
        return out;
    }

    static byte[] compressOrNull(byte[] in) {
        byte[] out = new byte[in.length - 4];
        int n = compress(in, in.length, out);
        return n == 0 ? null : Arrays.copyOf(out, n);
    }
}
