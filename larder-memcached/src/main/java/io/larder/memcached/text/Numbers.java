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
        int digits = 0;
        for (long rest = v; rest != 0; rest = Long.divideUnsigned(rest, 10)) {
            digits++;
        }
        out.ensureWritable(digits);
        int end = out.writerIndex() + digits;
        int at = end;
        for (long rest = v; rest != 0; ) {
            long q = Long.divideUnsigned(rest, 10);
            out.setByte(--at, (int) ('0' + (rest - q * 10)));
            rest = q;
        }
        out.writerIndex(end);
    }
}
