package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTEGERS = new byte[64][];

    static {
        for (int i = 0; i < SMALL_INTEGERS.length; i++) {
            SMALL_INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Replies are assembled in a heap array (plain stores, no ByteBuf bounds checks) and copied out once per flush. */
    private static final int INITIAL_STAGE = 1024;
    private static final int MAX_IDLE_STAGE = 64 * 1024;
    /** Bulk payloads at least this large go straight to the direct buffer instead of through the stage. */
    private static final int DIRECT_BULK = 16 * 1024;

    private final ByteBufAllocator allocator;
    private byte[] stage = new byte[INITIAL_STAGE];
    private int pos;
    /** Direct buffer holding replies already moved out of the stage (large bulks), or null. */
    private ByteBuf spill;
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
        return spilled() + pos;
    }

    private int spilled() {
        return spill == null ? 0 : spill.readableBytes();
    }

    /** Hands the accumulated replies to the caller (who writes them to the channel), or null if there are none. */
    public ByteBuf take() {
        if (pos == 0 && spill == null) {
            return null;
        }
        ByteBuf out = spill != null ? spill : allocator.ioBuffer(pos);
        out.writeBytes(stage, 0, pos);
        spill = null;
        pos = 0;
        if (stage.length > MAX_IDLE_STAGE) {
            stage = new byte[INITIAL_STAGE];
        }
        return out;
    }

    /** Drops whatever was written and not taken. */
    public void discard() {
        if (spill != null) {
            spill.release();
            spill = null;
        }
        pos = 0;
    }

    /** Position marker for callers that write a reply and may need to drop it again (CLIENT REPLY OFF/SKIP). */
    public int mark() {
        return pending();
    }

    public void resetTo(int mark) {
        int spilled = spilled();
        if (mark >= spilled) {
            pos = mark - spilled;
        } else {
            spill.writerIndex(spill.readerIndex() + mark);
            pos = 0;
        }
    }

    private void ensure(int extra) {
        if (pos + extra > stage.length) {
            stage = Arrays.copyOf(stage, Math.max(stage.length * 2, pos + extra));
        }
    }

    private void put(byte b) {
        stage[pos++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, stage, pos, bytes.length);
        pos += bytes.length;
    }

    private void putCrlf() {
        stage[pos++] = '\r';
        stage[pos++] = '\n';
    }

    private void putAscii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            stage[pos++] = (byte) text.charAt(i);
        }
    }

    private void putText(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                put(text.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        putAscii(text);
    }

    public void ok() {
        put(OK);
    }

    /** A status reply; {@code text} must not contain CR or LF. */
    public void simple(String text) {
        ensure(1);
        put((byte) '+');
        putText(text);
        ensure(2);
        putCrlf();
    }

    /** An error reply; {@code message} starts with its code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
    public void error(String message) {
        // Redis turns newlines in error strings into spaces so the reply stays one line.
        if (message.indexOf('\r') >= 0 || message.indexOf('\n') >= 0) {
            message = message.replace('\r', ' ').replace('\n', ' ');
        }
        ensure(1);
        put((byte) '-');
        putText(message);
        ensure(2);
        putCrlf();
    }

    public void integer(long value) {
        if (value >= 0 && value < SMALL_INTEGERS.length) {
            put(SMALL_INTEGERS[(int) value]);
            return;
        }
        header(':', value);
    }

    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    public void bulk(byte[] value, int offset, int length) {
        if (length >= DIRECT_BULK) {
            header('$', length);
            moveStageToSpill(length + 2);
            spill.writeBytes(value, offset, length);
            spill.writeBytes(CRLF);
            return;
        }
        ensure(length + 24);
        stage[pos++] = '$';
        writeLong(length);
        putCrlf();
        System.arraycopy(value, offset, stage, pos, length);
        pos += length;
        putCrlf();
    }

    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string holding the decimal form of {@code value}, as Redis replies to GET on an integer. */
    public void bulkLong(long value) {
        ensure(48);
        stage[pos++] = '$';
        writeLong(decimalLength(value));
        putCrlf();
        writeLong(value);
        putCrlf();
    }

    /** Null where a bulk string was expected. */
    public void nullBulk() {
        put(protocol == 3 ? NULL3 : NULL_BULK2);
    }

    /** Null where an array was expected. */
    public void nullArray() {
        put(protocol == 3 ? NULL3 : NULL_ARRAY2);
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
            put(value ? TRUE3 : FALSE3);
        } else {
            integer(value ? 1 : 0);
        }
    }

    /** A double: RESP3 {@code ,} type, RESP2 a bulk string, both in Redis's formatting (given as text). */
    public void doubleValue(String formatted) {
        if (protocol == 3) {
            ensure(1);
            put((byte) ',');
            putAscii(formatted);
            ensure(2);
            putCrlf();
        } else {
            bulk(formatted.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Verbatim text (RESP3 {@code =}, with a three-letter format such as "txt"); a bulk string in RESP2. */
    public void verbatim(String format, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (protocol == 3) {
            header('=', body.length + 4);
            putAscii(format);
            ensure(1);
            put((byte) ':');
            put(body);
            ensure(2);
            putCrlf();
        } else {
            bulk(body);
        }
    }

    /** Bytes already in RESP form, written as they are. */
    public void raw(byte[] encoded) {
        put(encoded);
    }

    private void header(char type, long value) {
        ensure(24);
        stage[pos++] = (byte) type;
        writeLong(value);
        putCrlf();
    }

    /** Moves staged bytes to the direct spill buffer, making room there for {@code extra} more. */
    private void moveStageToSpill(int extra) {
        if (spill == null) {
            spill = allocator.ioBuffer(pos + extra);
        }
        spill.writeBytes(stage, 0, pos);
        pos = 0;
    }

    /** Writes the decimal digits of {@code value} at the stage position; the caller ensured 20 bytes. */
    private void writeLong(long value) {
        if (value == Long.MIN_VALUE) {
            System.arraycopy(LONG_MIN, 0, stage, pos, LONG_MIN.length);
            pos += LONG_MIN.length;
            return;
        }
        int end = pos + decimalLength(value);
        long v = value < 0 ? -value : value;
        int i = end;
        do {
            stage[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (value < 0) {
            stage[--i] = '-';
        }
        pos = end;
    }

    /** Characters in the decimal form of {@code value}, sign included. */
    private static int decimalLength(long value) {
        if (value == Long.MIN_VALUE) {
            return LONG_MIN.length;
        }
        int len = value < 0 ? 2 : 1;
        for (long v = Math.abs(value); v >= 10; v /= 10) {
            len++;
        }
        return len;
    }
}
