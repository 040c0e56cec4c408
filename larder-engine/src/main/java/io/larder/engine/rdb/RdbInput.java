package io.larder.engine.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads RDB's primitive encodings from a stream, keeping the CRC-64 of every byte consumed so the checksum at
 * the end of a file can be verified. Running out of input is a {@link RdbFormatException} (a truncated file).
 */
public final class RdbInput {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Bytes of {@code buf} before this index are already in {@link #crc}. */
    private int crcPos;
    private long crc;
    private long consumedBefore;

    public RdbInput(InputStream in) {
        this.in = in;
        this.buf = new byte[BUFFER];
    }

    /** An input over a byte array (a DUMP payload without its footer). */
    public static RdbInput of(byte[] data, int length) {
        return new RdbInput(new java.io.ByteArrayInputStream(data, 0, length));
    }

    /** CRC-64 of every byte consumed so far. */
    public long crc() {
        crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
        crcPos = pos;
        return crc;
    }

    /** Bytes consumed so far. */
    public long position() {
        return consumedBefore + pos;
    }

    private void fill() {
        crc();
        consumedBefore += pos;
        int kept = limit - pos;
        System.arraycopy(buf, pos, buf, 0, kept);
        pos = 0;
        crcPos = 0;
        limit = kept;
        try {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                throw new RdbFormatException("Unexpected EOF reading RDB file");
            }
            limit += n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when no byte is left. */
    public boolean atEnd() {
        if (pos < limit) {
            return false;
        }
        try {
            crc();
            consumedBefore += pos;
            pos = 0;
            crcPos = 0;
            int n = in.read(buf, 0, buf.length);
            limit = Math.max(n, 0);
            return n <= 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int readByte() {
        if (pos == limit) {
            fill();
        }
        return buf[pos++] & 0xFF;
    }

    public void readFully(byte[] dst, int off, int len) {
        while (len > 0) {
            if (pos == limit) {
                fill();
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    public byte[] readBytes(int len) {
        byte[] b = new byte[len];
        readFully(b, 0, len);
        return b;
    }

    public long readLittleEndian(int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    private long readBigEndian(int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | readByte();
        }
        return v;
    }

    /** A length; fails on a string-encoding marker. */
    public long readLength() {
        int first = readByte();
        long len = lengthAfter(first);
        if (len < 0) {
            throw new RdbFormatException("Unexpected encoded length");
        }
        return len;
    }

    /** An unsigned 64-bit number stored as a length (stream IDs and counters). */
    public long readUnsignedLength() {
        int first = readByte();
        if (first == RdbTypes.LEN_64BIT) {
            return readBigEndian(8);
        }
        long len = lengthAfter(first);
        if (len < 0) {
            throw new RdbFormatException("Unexpected encoded length");
        }
        return len;
    }

    /** A length that must fit an array (the count of a collection, the size of a string). */
    public int readSize() {
        long len = readLength();
        if (len > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("Length too large: " + len);
        }
        return (int) len;
    }

    /** The length a first byte starts, or -1 - encoding for the string encodings (11xxxxxx). */
    private long lengthAfter(int first) {
        switch (first >>> 6) {
            case 0:
                return first & 0x3F;
            case 1:
                return ((first & 0x3F) << 8) | readByte();
            case 2:
                if (first == RdbTypes.LEN_32BIT) {
                    return readBigEndian(4);
                }
                if (first == RdbTypes.LEN_64BIT) {
                    long v = readBigEndian(8);
                    if (v < 0) {
                        throw new RdbFormatException("Length too large");
                    }
                    return v;
                }
                throw new RdbFormatException("Unknown length encoding " + first + " in rdbLoadLen()");
            default:
                return -1 - (first & 0x3F);
        }
    }

    /** A string in any of its encodings (raw, 8/16/32-bit integer, LZF). */
    public byte[] readString() {
        int first = readByte();
        long len = lengthAfter(first);
        if (len >= 0) {
            if (len > Integer.MAX_VALUE - 8) {
                throw new RdbFormatException("String too large");
            }
            return readBytes((int) len);
        }
        return switch (first) {
            case RdbTypes.ENC_INT8 -> ascii((byte) readByte());
            case RdbTypes.ENC_INT16 -> ascii((short) readLittleEndian(2));
            case RdbTypes.ENC_INT32 -> ascii((int) readLittleEndian(4));
            case RdbTypes.ENC_LZF -> {
                int compressed = readSize();
                int plain = readSize();
                if (compressed > buf.length) {
                    yield Lzf.decompress(readBytes(compressed), plain);
                }
                // straight from the buffer: no copy of the compressed bytes
                while (limit - pos < compressed) {
                    fill();
                }
                byte[] out = Lzf.decompress(buf, pos, compressed, plain);
                pos += compressed;
                yield out;
            }
            default -> throw new RdbFormatException("Unknown RDB string encoding type " + (first & 0x3F));
        };
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    public double readBinaryDouble() {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /** The pre-RDB-8 double: a length byte (253 NaN, 254 +inf, 255 -inf) then that many ASCII characters. */
    public double readStringDouble() {
        int len = readByte();
        return switch (len) {
            case 253 -> Double.NaN;
            case 254 -> Double.POSITIVE_INFINITY;
            case 255 -> Double.NEGATIVE_INFINITY;
            default -> {
                String s = new String(readBytes(len), StandardCharsets.US_ASCII);
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new RdbFormatException("Bad double value");
                }
            }
        };
    }
}
