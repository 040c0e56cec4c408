package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Incremental parser for client requests: RESP multibulk arrays and inline commands, as Redis reads them.
 * <p>
 * It keeps its state between calls, so a request may arrive in any number of pieces and no byte is parsed
 * twice. Arguments of 32 KiB or more are filled in place as they arrive instead of waiting in the
 * cumulation buffer, which keeps large values to one copy.
 */
public final class RequestParser {
    /** Redis refuses count and inline lines longer than this (PROTO_INLINE_MAX_SIZE). */
    static final int MAX_LINE = 64 * 1024;
    private static final int BIG_ARG = 32 * 1024;
    private static final int UNAUTHENTICATED_MAX_ARGS = 10;
    private static final int UNAUTHENTICATED_MAX_BULK = 16384;
    private static final byte[][] NO_ARGS = new byte[0][];

    private final RequestLimits limits;

    // State of the multibulk request being read; args == null when between requests.
    private byte[][] args;
    private int argCount;
    private int argIndex;
    private long bulkLength = -1;
    private byte[] bigArg;
    private int bigArgFilled;
    private long pendingBytes;

    public RequestParser(RequestLimits limits) {
        this.limits = limits;
    }

    /** Marker returned for a request with no arguments (empty inline line, {@code *0}); callers skip it. */
    public static boolean isEmpty(byte[][] request) {
        return request.length == 0;
    }

    /**
     * Reads the next whole request from {@code in}.
     *
     * @return the arguments, an empty array for a request Redis ignores, or null when more bytes are needed
     */
    public byte[][] parse(ByteBuf in) throws ProtocolException {
        if (args == null) {
            if (!in.isReadable()) {
                return null;
            }
            if (in.getByte(in.readerIndex()) != '*') {
                return parseInline(in);
            }
            if (!startMultibulk(in)) {
                return null;
            }
            if (args == null) {
                return NO_ARGS;
            }
        }
        while (argIndex < argCount) {
            if (bulkLength < 0 && !readBulkLength(in)) {
                return null;
            }
            if (!readBulk(in)) {
                return null;
            }
        }
        byte[][] done = args;
        args = null;
        return done;
    }

    /** Bytes held for the request being read; the caller compares this with client-query-buffer-limit. */
    public long pendingBytes() {
        return pendingBytes;
    }

    private boolean startMultibulk(ByteBuf in) throws ProtocolException {
        int eol = findLineEnd(in, "too big mbulk count string");
        if (eol < 0) {
            return false;
        }
        long n = parseCount(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 1);
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        if (n > UNAUTHENTICATED_MAX_ARGS && limits.authRequired()) {
            throw new ProtocolException("Protocol error: unauthenticated multibulk length");
        }
        if (n <= 0) {
            return true;
        }
        argCount = (int) n;
        args = new byte[Math.min(argCount, 1024)][];
        argIndex = 0;
        bulkLength = -1;
        pendingBytes = 0;
        return true;
    }

    private boolean readBulkLength(ByteBuf in) throws ProtocolException {
        if (!in.isReadable()) {
            return false;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
        }
        int eol = findLineEnd(in, "too big bulk count string");
        if (eol < 0) {
            return false;
        }
        long n = parseCount(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 1);
        if (n == Long.MIN_VALUE || n < 0 || n > limits.maxBulkLength()) {
            throw new ProtocolException("Protocol error: invalid bulk length");
        }
        if (n > UNAUTHENTICATED_MAX_BULK && limits.authRequired()) {
            throw new ProtocolException("Protocol error: unauthenticated bulk length");
        }
        pendingBytes += n;
        if (pendingBytes > limits.maxQueryBuffer()) {
            throw new QueryBufferOverflow();
        }
        bulkLength = n;
        if (n >= BIG_ARG) {
            bigArg = new byte[(int) n];
            bigArgFilled = 0;
        }
        return true;
    }

    private boolean readBulk(ByteBuf in) {
        int len = (int) bulkLength;
        byte[] value;
        if (bigArg != null) {
            int take = Math.min(len - bigArgFilled, in.readableBytes());
            in.readBytes(bigArg, bigArgFilled, take);
            bigArgFilled += take;
            if (bigArgFilled < len || in.readableBytes() < 2) {
                return false;
            }
            value = bigArg;
            bigArg = null;
        } else {
            if (in.readableBytes() < len + 2) {
                return false;
            }
            value = new byte[len];
            in.readBytes(value);
        }
        in.skipBytes(2); // Redis does not check that the terminator is CRLF, and neither do we
        if (argIndex == args.length) {
            byte[][] grown = new byte[Math.min(argCount, args.length * 2)][];
            System.arraycopy(args, 0, grown, 0, argIndex);
            args = grown;
        }
        args[argIndex++] = value;
        bulkLength = -1;
        return true;
    }

    private byte[][] parseInline(ByteBuf in) throws ProtocolException {
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > MAX_LINE) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return null;
        }
        int end = nl;
        if (end > in.readerIndex() && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(nl + 1);
        byte[][] parsed = InlineSplitter.split(line);
        if (parsed == null) {
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        return parsed;
    }

    /** Index of the '\n' closing the line that starts at the reader index, or -1 if it has not arrived yet. */
    private static int findLineEnd(ByteBuf in, String tooLong) throws ProtocolException {
        int cr = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_CR);
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            if (in.readableBytes() > MAX_LINE) {
                throw new ProtocolException("Protocol error: " + tooLong);
            }
            return -1;
        }
        if (cr - in.readerIndex() > MAX_LINE) {
            throw new ProtocolException("Protocol error: " + tooLong);
        }
        return cr + 1;
    }

    /** Parses the count between {@code from} and the CR before {@code eol}; Long.MIN_VALUE when not a strict integer. */
    private static long parseCount(ByteBuf in, int from, int eol) {
        int to = eol - 1;
        if (from >= to || to - from > 20) {
            return Long.MIN_VALUE;
        }
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to) {
            return Long.MIN_VALUE;
        }
        if (in.getByte(i) == '0' && to - i > 1) {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || value > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    /** The request would hold more than client-query-buffer-limit: Redis closes such a client without a reply. */
    public static final class QueryBufferOverflow extends RuntimeException {
        QueryBufferOverflow() {
            super("client-query-buffer-limit exceeded", null, false, false);
        }
    }
}
