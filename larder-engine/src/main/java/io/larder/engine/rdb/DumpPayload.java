package io.larder.engine.rdb;

/**
 * DUMP / RESTORE payloads: the value's RDB encoding, then the 2-byte RDB version and the CRC-64 of everything
 * before it, both little-endian.
 * <p>
 * Payloads are written at version 10 (Redis 7.0's), with listpack sets in the plain set encoding, so that both
 * Redis 7.0 and 7.2 accept them: Redis refuses a payload whose version is newer than its own, and Redis 7.2
 * reads version 10 as well. Nothing else differs between the two versions' value encodings.
 */
public final class DumpPayload {
    public static final int VERSION = RdbTypes.VERSION_7_0;
    private static final int FOOTER = 10;

    private DumpPayload() {
    }

    public static byte[] dump(Object value, boolean compress) {
        RdbOutput out = new RdbOutput(64, compress);
        RdbValues.write(out, null, value, VERSION);
        out.writeLittleEndian(VERSION, 2);
        out.writeLittleEndian(out.crc(0), 8);
        return out.toByteArray();
    }

    /** Redis's verifyDumpPayload: long enough, a version this reader knows, and a matching checksum. */
    public static boolean verify(byte[] payload, boolean checkCrc) {
        if (payload.length < FOOTER) {
            return false;
        }
        int end = payload.length - FOOTER;
        int version = (payload[end] & 0xFF) | (payload[end + 1] & 0xFF) << 8;
        if (version > RdbTypes.VERSION) {
            return false;
        }
        if (!checkCrc) {
            return true;
        }
        long crc = Crc64.update(0, payload, 0, payload.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (long) (payload[payload.length - 8 + i] & 0xFF) << (8 * i);
        }
        return crc == stored;
    }

    /**
     * The value of a verified payload, or null when it is not a valid value encoding (Redis's "Bad data format",
     * which also covers empty collections). Like Redis, bytes after the value are not looked at.
     */
    public static Object restore(byte[] payload, RdbValues.Limits limits) {
        try {
            // Like Redis, the value may run into the footer: only the checksum guards the body's length.
            RdbInput in = RdbInput.of(payload, payload.length);
            int type = in.readByte();
            if (!RdbTypes.isValueType(type)) {
                return null;
            }
            return RdbValues.read(in, type, limits);
        } catch (RdbFormatException e) {
            return null;
        }
    }
}
