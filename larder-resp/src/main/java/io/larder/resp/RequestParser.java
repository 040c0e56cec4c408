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
    /** Arguments of one request up to this many bytes are read without asking {@link RequestLimits#reserve}. */
    private static final int UNRESERVED = 64 * 1024;
    /** Room asked for at least at a time, so that a long request of small arguments asks rarely. */
    private static final int RESERVE_STEP = 1024 * 1024;
    private static final int UNAUTHENTICATED_MAX_ARGS = 10;
    private static final int UNAUTHENTICATED_MAX_BULK = 16384;
    private static final byte[][] NO_ARGS = new byte[0][];
    // Redis finds line ends with strchr, which stops at a NUL byte: a line with a NUL before its end never ends.
    private static final ByteProcessor FIND_CR_OR_NUL = b -> b != '\r' && b != 0;
    private static final ByteProcessor FIND_LF_OR_NUL = b -> b != '\n' && b != 0;

    private final RequestLimits limits;

    // State of the multibulk request being read; args == null when between requests.
    private byte[][] args;
    private int argCount;
    private int argIndex;
    private long bulkLength = -1;
    private byte[] bigArg;
    private int bigArgFilled;
    /** Bytes of the current request's arguments, and the room reserved for them. */
    private long held;
    private long reserved;

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
        held = 0;
        releaseReserved();
        return done;
    }

    /** Bytes reserved for the request being read (its arguments so far, or a big argument being filled). */
    public long reservedBytes() {
        return reserved;
    }

    /** The connection is gone: gives back the room reserved for a request that will never complete. */
    public void close() {
        releaseReserved();
    }

    private void releaseReserved() {
        if (reserved > 0) {
            limits.release(reserved);
            reserved = 0;
        }
    }

    /** Counts an argument about to be read against the room reserved for the request, reserving more as needed. */
    private void hold(long bytes) {
        held += bytes;
        if (held > reserved + UNRESERVED) {
            long more = Math.max(held - reserved, RESERVE_STEP);
            if (!limits.reserve(more)) {
                throw new QueryBufferOverflow();
            }
            reserved += more;
        }
    }

    /**
     * Bytes of the request being read that the parser holds outside the caller's buffer (a big argument being
     * filled). With the caller's unread bytes this is what Redis counts as the query buffer against
     * client-query-buffer-limit: arguments already parsed do not count.
     */
    public long pendingBytes() {
        return bigArg == null ? 0 : bigArgFilled;
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
        return true;
    }

    private boolean readBulkLength(ByteBuf in) throws ProtocolException {
        int eol = findLineEnd(in, "too big bulk count string");
        if (eol < 0) {
            return false;
        }
        // Like Redis, the type byte is judged only once its whole line is there.
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
        }
        long n = parseCount(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 1);
        if (n == Long.MIN_VALUE || n < 0 || n > limits.maxBulkLength()) {
            throw new ProtocolException("Protocol error: invalid bulk length");
        }
        if (n > UNAUTHENTICATED_MAX_BULK && limits.authRequired()) {
            throw new ProtocolException("Protocol error: unauthenticated bulk length");
        }
        if (n > limits.maxQueryBuffer()) {
            // One argument that can never fit: Redis closes once it has buffered that much; we need not wait.
            throw new QueryBufferOverflow();
        }
        hold(n);
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
        int nl = in.forEachByte(in.readerIndex(), in.readableBytes(), FIND_LF_OR_NUL);
        if (nl < 0 || in.getByte(nl) == 0) {
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
        int cr = in.forEachByte(in.readerIndex(), in.readableBytes(), FIND_CR_OR_NUL);
        if (cr < 0 || in.getByte(cr) == 0 || cr + 1 >= in.writerIndex()) {
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

    /**
     * Parses the count between {@code from} and the CR before {@code eol} as Redis's string2ll does; returns
     * Long.MIN_VALUE when it is not a strict integer and -1 for every negative one (no caller tells them apart).
     */
    private static long parseCount(ByteBuf in, int from, int eol) {
        int to = eol - 1;
        if (from >= to || to - from > 20) {
            return Long.MIN_VALUE;
        }
        if (to - from == 1 && in.getByte(from) == '0') {
            return 0;
        }
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to || in.getByte(i) < '1' || in.getByte(i) > '9') {
            return Long.MIN_VALUE;
        }
        // Accumulated negatively so that -9223372036854775808 fits, as in string2ll.
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long value = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || value < limit / 10 || value * 10 < limit + d) {
                return Long.MIN_VALUE;
            }
            value = value * 10 - d;
        }
        return negative ? -1 : -value;
    }

    /** The request would hold more than client-query-buffer-limit: Redis closes such a client without a reply. */
    public static final class QueryBufferOverflow extends RuntimeException {
        QueryBufferOverflow() {
            super("client-query-buffer-limit exceeded", null, false, false);
        }
    }
}
