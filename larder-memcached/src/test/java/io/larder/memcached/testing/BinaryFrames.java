package io.larder.memcached.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds binary protocol requests and reads responses, for tests that speak the protocol byte by byte. */
public final class BinaryFrames {
    private BinaryFrames() {
    }

    public record Response(int opcode, int status, int keyLength, int extrasLength, int opaque, long cas,
                           byte[] body) {
        public String value() {
            return new String(body, keyLength + extrasLength, body.length - keyLength - extrasLength,
                    StandardCharsets.ISO_8859_1);
        }

        public String key() {
            return new String(body, extrasLength, keyLength, StandardCharsets.ISO_8859_1);
        }
    }

    public static byte[] request(int opcode, String key, byte[] extras, String value, long cas) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(24 + extras.length + k.length + v.length);
        b.put((byte) 0x80).put((byte) opcode).putShort((short) k.length).put((byte) extras.length).put((byte) 0)
                .putShort((short) 0).putInt(extras.length + k.length + v.length).putInt(0x1234).putLong(cas);
        b.put(extras).put(k).put(v);
        return b.array();
    }

    public static byte[] request(int opcode, String key) {
        return request(opcode, key, new byte[0], "", 0);
    }

    /** A header with arbitrary lengths (for impossible frames). */
    public static byte[] header(int opcode, int keyLength, int extrasLength, long bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.put((byte) 0x80).put((byte) opcode).putShort((short) keyLength).put((byte) extrasLength).put((byte) 0)
                .putShort((short) 0).putInt((int) bodyLength).putInt(0x1234).putLong(0);
        return b.array();
    }

    public static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    public static Response read(RawConnection c) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(c.read(24));
        if (h.capacity() < 24 || h.get(0) != (byte) 0x81) {
            throw new IOException("not a response header");
        }
        int opcode = h.get(1) & 0xff;
        int keyLength = h.getShort(2) & 0xffff;
        int extrasLength = h.get(4) & 0xff;
        int status = h.getShort(6) & 0xffff;
        int bodyLength = h.getInt(8);
        int opaque = h.getInt(12);
        long cas = h.getLong(16);
        return new Response(opcode, status, keyLength, extrasLength, opaque, cas, c.read(bodyLength));
    }
}
