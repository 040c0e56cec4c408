package io.larder.memcached.text;

import io.netty.buffer.ByteBuf;

/** Decimal numbers written straight into a reply buffer. */
public final class Numbers {
    private Numbers() {
    }

    /** Writes {@code v} as an unsigned 64-bit decimal. */
    public static void writeUnsigned(ByteBuf out, long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        byte[] digits = new byte[20];
        int i = digits.length;
        long rest = v;
        while (rest != 0) {
            long q = Long.divideUnsigned(rest, 10);
            digits[--i] = (byte) ('0' + (rest - q * 10));
            rest = q;
        }
        out.writeBytes(digits, i, digits.length - i);
    }

    /** Writes a signed decimal. */
    public static void writeSigned(ByteBuf out, long v) {
        if (v < 0) {
            out.writeByte('-');
            writeUnsigned(out, -v);
        } else {
            writeUnsigned(out, v);
        }
    }
}
