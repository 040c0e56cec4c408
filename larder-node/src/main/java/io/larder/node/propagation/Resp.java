package io.larder.node.propagation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable buffer of RESP arrays of bulk strings: the form commands take in the AOF and on replicas. */
public final class Resp {
    private byte[] buf = new byte[256];
    private int len;

    public void command(byte[][] args) {
        header('*', args.length);
        for (byte[] a : args) {
            bulk(a);
        }
    }

    public void command(String... args) {
        header('*', args.length);
        for (String a : args) {
            bulk(a.getBytes(StandardCharsets.UTF_8));
        }
    }

    public void bulk(byte[] a) {
        header('$', a.length);
        ensure(a.length + 2);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    public void header(char type, long n) {
        ensure(24);
        buf[len++] = (byte) type;
        if (n >= 0) {
            // Digits written in place: every argument's length passes here, on every logged write.
            int end = len + digits(n);
            for (int i = end - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            len = end;
        } else {
            byte[] digits = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, buf, len, digits.length);
            len += digits.length;
        }
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /** Bytes already in RESP form, read from {@code src} without moving its indexes. */
    public void raw(io.netty.buffer.ByteBuf src, int index, int length) {
        ensure(length);
        src.getBytes(index, buf, len, length);
        len += length;
    }

    /** Raw text (the {@code #TS:} annotations). */
    public void raw(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Bytes already in RESP form. */
    public void raw(byte[] b, int length) {
        ensure(length);
        System.arraycopy(b, 0, buf, len, length);
        len += length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    public byte[] array() { return buf; }

    public int length() { return len; }

    public void clear() { len = 0; }

    /** Drops a buffer that grew large so one huge command does not pin its memory. */
    public void shrink() {
        if (buf.length > 1 << 20) {
            buf = new byte[256];
        }
        len = 0;
    }
}
