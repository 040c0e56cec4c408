package io.larder.engine.rdb;

/**
 * CRC-64 with the Jones polynomial (0xad93d23594c935a9), reflected input and output, initial value 0: the
 * checksum Redis appends to RDB files and DUMP payloads, stored little-endian.
 */
public final class Crc64 {
    /** The Jones polynomial with its bits reversed, for the reflected (LSB-first) table. */
    private static final long REFLECTED_POLY = 0x95AC9329AC4BC9B5L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64() {
    }

    public static long update(long crc, byte[] data, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = TABLE[(int) ((crc ^ data[i]) & 0xFF)] ^ (crc >>> 8);
        }
        return crc;
    }
}
