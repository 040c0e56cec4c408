package io.larder.engine.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable buffer of RDB bytes with RDB's primitive encodings: lengths, strings (integer-encoded when they
 * are small integers, LZF-compressed when that saves space and compression is on), doubles and timestamps.
 */
public final class RdbOutput {
    private static final int MAX_INT_ENCODED_LENGTH = 11;
    private static final int MIN_COMPRESSED_LENGTH = 20;

    private byte[] buf;
    private int size;
    private final boolean compress;

    public RdbOutput(int initialCapacity, boolean compress) {
        this.buf = new byte[Math.max(16, initialCapacity)];
        this.compress = compress;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Writes the buffered bytes and returns the CRC-64 {@code crc} updated with them. */
    public long writeTo(OutputStream out, long crc) throws IOException {
        out.write(buf, 0, size);
        return Crc64.update(crc, buf, 0, size);
    }

    public long crc(long crc) {
        return Crc64.update(crc, buf, 0, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeBytes(byte[] b) {
        writeBytes(b, 0, b.length);
    }

    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    private void writeBigEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    /** RDB's length encoding: 6, 14, 32 or 64 bits; {@code len} is unsigned (stream IDs use the whole range). */
    public void writeLength(long len) {
        if (len >= 0 && len < (1 << 6)) {
            writeByte((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            writeByte((int) ((len >>> 8) | 0x40));
            writeByte((int) len);
        } else if (len >= 0 && len <= 0xFFFF_FFFFL) {
            writeByte(RdbTypes.LEN_32BIT);
            writeBigEndian(len, 4);
        } else {
            writeByte(RdbTypes.LEN_64BIT);
            writeBigEndian(len, 8);
        }
    }

    public void writeString(byte[] s) {
        writeString(s, 0, s.length);
    }

    /** A string as Redis's rdbSaveRawString writes it: as an integer when it is one, else LZF or raw. */
    public void writeString(byte[] s, int off, int len) {
        if (len <= MAX_INT_ENCODED_LENGTH && writeIfSmallInteger(s, off, len)) {
            return;
        }
        if (compress && len > MIN_COMPRESSED_LENGTH) {
            byte[] in = off == 0 && len == s.length ? s : Arrays.copyOfRange(s, off, off + len);
            byte[] packed = Lzf.compressOrNull(in);
            if (packed != null) {
                writeByte(RdbTypes.ENC_LZF);
                writeLength(packed.length);
                writeLength(len);
                writeBytes(packed);
                return;
            }
        }
        writeLength(len);
        writeBytes(s, off, len);
    }

    /** An integer as a string object (what a long-encoded Redis string is saved as). */
    public void writeLongAsString(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeEncodedInt((int) v);
        } else {
            byte[] digits = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            writeLength(digits.length);
            writeBytes(digits);
        }
    }

    private boolean writeIfSmallInteger(byte[] s, int off, int len) {
        long v = RdbTypes.parseCanonicalLong(s, off, len);
        if (v == RdbTypes.NOT_A_LONG || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            return false;
        }
        writeEncodedInt((int) v);
        return true;
    }

    private void writeEncodedInt(int v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(RdbTypes.ENC_INT8);
            writeByte(v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(RdbTypes.ENC_INT16);
            writeLittleEndian(v, 2);
        } else {
            writeByte(RdbTypes.ENC_INT32);
            writeLittleEndian(v, 4);
        }
    }

    public void writeBinaryDouble(double d) {
        writeLittleEndian(Double.doubleToRawLongBits(d), 8);
    }

    public void writeMillis(long unixMillis) {
        writeLittleEndian(unixMillis, 8);
    }
}
