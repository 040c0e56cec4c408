package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Writes replies for one connection in the protocol it negotiated (RESP2 until HELLO 3), mapping RESP3-only
 * types down to RESP2 the way Redis does: maps become flat arrays, sets arrays, doubles bulk strings,
 * booleans integers, nulls {@code $-1} or {@code *-1}.
 * <p>
 * Replies accumulate in one buffer that the connection flushes once per read batch, so a pipeline of
 * any depth costs one write system call.
 */
public final class ReplyWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTEGERS = new byte[64][];

    static {
        for (int i = 0; i < SMALL_INTEGERS.length; i++) {
            SMALL_INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ByteBufAllocator allocator;
    private final byte[] digits = new byte[20];
    private ByteBuf buffer;
    private int protocol = 2;

    public ReplyWriter(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        this.protocol = version;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    /** Bytes written and not yet taken by {@link #take()}. */
    public int pending() {
        return buffer == null ? 0 : buffer.readableBytes();
    }

    /** Hands the accumulated replies to the caller (who writes them to the channel), or null if there are none. */
    public ByteBuf take() {
        ByteBuf out = buffer;
        buffer = null;
        return out;
    }

    /** Drops whatever was written and not taken (used when a reply must be replaced, e.g. CLIENT REPLY OFF). */
    public void discard() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    /** Position marker for callers that write a reply and may need to drop it again. */
    public int mark() {
        return buffer == null ? 0 : buffer.writerIndex();
    }

    public void resetTo(int mark) {
        if (buffer != null) {
            buffer.writerIndex(mark);
        }
    }

    private ByteBuf out() {
        if (buffer == null) {
            buffer = allocator.ioBuffer(4096);
        }
        return buffer;
    }

    public void ok() {
        out().writeBytes(OK);
    }

    /** A status reply; {@code text} must not contain CR or LF. */
    public void simple(String text) {
        ByteBuf b = out();
        b.writeByte('+');
        b.writeCharSequence(text, StandardCharsets.UTF_8);
        b.writeBytes(CRLF);
    }

    /** An error reply; {@code message} starts with its code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
    public void error(String message) {
        ByteBuf b = out();
        b.writeByte('-');
        // Redis turns newlines in error strings into spaces so the reply stays one line.
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\r' || c == '\n') {
                message = message.replace('\r', ' ').replace('\n', ' ');
                break;
            }
        }
        b.writeCharSequence(message, StandardCharsets.UTF_8);
        b.writeBytes(CRLF);
    }

    public void integer(long value) {
        if (value >= 0 && value < SMALL_INTEGERS.length) {
            out().writeBytes(SMALL_INTEGERS[(int) value]);
            return;
        }
        ByteBuf b = out();
        b.writeByte(':');
        writeLong(b, value);
        b.writeBytes(CRLF);
    }

    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    public void bulk(byte[] value, int offset, int length) {
        ByteBuf b = out();
        b.ensureWritable(length + 16);
        b.writeByte('$');
        writeLong(b, length);
        b.writeBytes(CRLF);
        b.writeBytes(value, offset, length);
        b.writeBytes(CRLF);
    }

    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string holding the decimal form of {@code value}, as Redis replies to GET on an integer. */
    public void bulkLong(long value) {
        ByteBuf b = out();
        int len = formatLong(value);
        b.writeByte('$');
        // The length (at most 20) is written by hand: writeLong would overwrite the value's digits.
        if (len >= 10) {
            b.writeByte('0' + len / 10);
        }
        b.writeByte('0' + len % 10);
        b.writeBytes(CRLF);
        b.writeBytes(digits, digits.length - len, len);
        b.writeBytes(CRLF);
    }

    /** Null where a bulk string was expected. */
    public void nullBulk() {
        out().writeBytes(protocol == 3 ? NULL3 : NULL_BULK2);
    }

    /** Null where an array was expected. */
    public void nullArray() {
        out().writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY2);
    }

    public void array(int length) {
        header('*', length);
    }

    public void map(int entries) {
        if (protocol == 3) {
            header('%', entries);
        } else {
            header('*', entries * 2L);
        }
    }

    public void set(int length) {
        header(protocol == 3 ? '~' : '*', length);
    }

    public void push(int length) {
        header(protocol == 3 ? '>' : '*', length);
    }

    public void bool(boolean value) {
        if (protocol == 3) {
            out().writeBytes(value ? TRUE3 : FALSE3);
        } else {
            integer(value ? 1 : 0);
        }
    }

    /** A double: RESP3 {@code ,} type, RESP2 a bulk string, both in Redis's formatting (given as text). */
    public void doubleValue(String formatted) {
        if (protocol == 3) {
            ByteBuf b = out();
            b.writeByte(',');
            b.writeCharSequence(formatted, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
        } else {
            bulk(formatted.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Verbatim text (RESP3 {@code =}, with a three-letter format such as "txt"); a bulk string in RESP2. */
    public void verbatim(String format, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (protocol == 3) {
            ByteBuf b = out();
            b.writeByte('=');
            writeLong(b, body.length + 4);
            b.writeBytes(CRLF);
            b.writeCharSequence(format, StandardCharsets.US_ASCII);
            b.writeByte(':');
            b.writeBytes(body);
            b.writeBytes(CRLF);
        } else {
            bulk(body);
        }
    }

    /** Bytes already in RESP form, written as they are. */
    public void raw(byte[] encoded) {
        out().writeBytes(encoded);
    }

    private void header(char type, long length) {
        ByteBuf b = out();
        b.writeByte(type);
        writeLong(b, length);
        b.writeBytes(CRLF);
    }

    private void writeLong(ByteBuf b, long value) {
        int len = formatLong(value);
        b.writeBytes(digits, digits.length - len, len);
    }

    /** Writes the decimal digits of {@code value} right-aligned into {@link #digits}; returns their count. */
    private int formatLong(long value) {
        if (value == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, digits, 0, min.length);
            return min.length;
        }
        boolean negative = value < 0;
        long v = negative ? -value : value;
        int pos = digits.length;
        do {
            digits[--pos] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0 && pos > 1);
        if (negative) {
            digits[--pos] = '-';
        }
        return digits.length - pos;
    }
}
