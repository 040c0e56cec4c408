package io.larder.node.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * FUNCTION DUMP / RESTORE payloads in Redis's format: per library the RDB opcode FUNCTION2 (245) and the
 * library code as an RDB string, then the RDB version (2 bytes, little-endian) and a CRC-64 (Jones, as Redis's
 * crc64) of everything before. Larder writes strings uncompressed; it reads Redis's LZF-compressed and
 * integer-encoded strings too, so payloads move between Redis and Larder.
 */
final class FunctionDump {
    /** RDB version of Redis 7.2; payloads up to it are accepted. */
    static final int RDB_VERSION = 11;
    private static final int OPCODE_FUNCTION2 = 245;
    private static final long[] CRC_TABLE = new long[256];

    static {
        long poly = 0x95ac9329ac4bc9b5L; // Jones polynomial 0xad93d23594c935a9, bit-reflected
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? crc >>> 1 ^ poly : crc >>> 1;
            }
            CRC_TABLE[i] = crc;
        }
    }

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private FunctionDump() {
    }

    static long crc64(byte[] data, int length) {
        long crc = 0;
        for (int i = 0; i < length; i++) {
            crc = CRC_TABLE[(int) (crc ^ data[i]) & 0xff] ^ crc >>> 8;
        }
        return crc;
    }

    static byte[] dump(List<byte[]> codes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] code : codes) {
            out.write(OPCODE_FUNCTION2);
            writeLength(out, code.length);
            out.writeBytes(code);
        }
        out.write(RDB_VERSION & 0xff);
        out.write(RDB_VERSION >>> 8);
        byte[] body = out.toByteArray();
        long crc = crc64(body, body.length);
        for (int i = 0; i < 8; i++) {
            out.write((int) (crc >>> 8 * i) & 0xff);
        }
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, long n) {
        if (n < 64) {
            out.write((int) n);
        } else if (n < 16384) {
            out.write(0x40 | (int) (n >>> 8));
            out.write((int) n & 0xff);
        } else {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (n >>> 8 * i) & 0xff);
            }
        }
    }

    /** The library codes of a payload, or Redis's error. */
    static List<byte[]> restore(byte[] payload) throws Invalid {
        if (payload.length < 10) {
            throw new Invalid("ERR DUMP payload version or checksum are wrong");
        }
        int footer = payload.length - 10;
        int version = (payload[footer] & 0xff) | (payload[footer + 1] & 0xff) << 8;
        long crc = 0;
        for (int i = 7; i >= 0; i--) {
            crc = crc << 8 | (payload[footer + 2 + i] & 0xff);
        }
        if (version > RDB_VERSION || crc != crc64(payload, footer + 2)) {
            throw new Invalid("ERR DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < footer) {
            int opcode = payload[pos[0]++] & 0xff;
            if (opcode != OPCODE_FUNCTION2) {
                throw new Invalid("ERR given type is not a function");
            }
            codes.add(readString(payload, pos, footer));
        }
        return codes;
    }

    private static long readLength(byte[] p, int[] pos, boolean[] encoded, int end) throws Invalid {
        need(pos[0], 1, end);
        int b = p[pos[0]++] & 0xff;
        switch (b >>> 6) {
            case 0 -> {
                return b & 0x3f;
            }
            case 1 -> {
                need(pos[0], 1, end);
                return (b & 0x3f) << 8 | (p[pos[0]++] & 0xff);
            }
            case 2 -> {
                int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : -1;
                if (bytes < 0) {
                    throw new Invalid("ERR given payload is not a valid function payload");
                }
                need(pos[0], bytes, end);
                long n = 0;
                for (int i = 0; i < bytes; i++) {
                    n = n << 8 | (p[pos[0]++] & 0xff);
                }
                return n;
            }
            default -> {
                encoded[0] = true;
                return b & 0x3f;
            }
        }
    }

    private static byte[] readString(byte[] p, int[] pos, int end) throws Invalid {
        boolean[] encoded = {false};
        long n = readLength(p, pos, encoded, end);
        if (!encoded[0]) {
            need(pos[0], n, end);
            byte[] s = java.util.Arrays.copyOfRange(p, pos[0], pos[0] + (int) n);
            pos[0] += (int) n;
            return s;
        }
        switch ((int) n) {
            case 0, 1, 2 -> { // integers stored as 1, 2 or 4 little-endian bytes
                int bytes = 1 << n;
                need(pos[0], bytes, end);
                long v = 0;
                for (int i = bytes - 1; i >= 0; i--) {
                    v = v << 8 | (p[pos[0] + i] & 0xff);
                }
                v = v << (64 - 8 * bytes) >> (64 - 8 * bytes);
                pos[0] += bytes;
                return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            case 3 -> {
                boolean[] ignored = {false};
                long compressed = readLength(p, pos, ignored, end);
                long length = readLength(p, pos, ignored, end);
                need(pos[0], compressed, end);
                byte[] out = lzfDecompress(p, pos[0], (int) compressed, (int) length);
                pos[0] += (int) compressed;
                return out;
            }
            default -> throw new Invalid("ERR given payload is not a valid function payload");
        }
    }

    /** LZF, as Redis compresses RDB strings: literal runs and back references. */
    private static byte[] lzfDecompress(byte[] in, int from, int length, int outLength) throws Invalid {
        byte[] out = new byte[outLength];
        int ip = from;
        int end = from + length;
        int op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outLength || ip + run > end) {
                    throw new Invalid("ERR given payload is not a valid function payload");
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = ctrl >>> 5;
                if (len == 7) {
                    len += in[ip++] & 0xff;
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                len += 2;
                if (ref < 0 || op + len > outLength) {
                    throw new Invalid("ERR given payload is not a valid function payload");
                }
                for (int i = 0; i < len; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != outLength) {
            throw new Invalid("ERR given payload is not a valid function payload");
        }
        return out;
    }

    private static void need(int pos, long n, int end) throws Invalid {
        if (pos + n > end) {
            throw new Invalid("ERR given payload is not a valid function payload");
        }
    }
}
