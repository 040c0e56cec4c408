package io.larder.node.commands.stream;

import io.larder.engine.stream.StreamId;
import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;

import java.util.Arrays;

/** Stream ID arguments parsed as Redis's streamGenericParseIDOrReply does, with its error texts. */
final class StreamIds {
    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";
    private static final int MAX_LENGTH = 127;

    private StreamIds() {
    }

    /**
     * An ID argument, {@code <ms>} alone taking {@code missingSeq}; "-" and "+" are the extremes unless
     * {@code strict}. With {@code seqGiven} (XADD), {@code <ms>-*} is accepted and clears {@code seqGiven[0]}.
     * Null when malformed.
     */
    static StreamId parse(byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (arg.length > MAX_LENGTH) {
            return null;
        }
        int len = arg.length;
        for (int i = 0; i < arg.length; i++) {
            if (arg[i] == 0) { // C string semantics: the argument ends at a NUL byte
                len = i;
                break;
            }
        }
        if (len == 1 && (arg[0] == '-' || arg[0] == '+')) {
            if (strict) {
                return null;
            }
            return arg[0] == '-' ? StreamId.MIN : StreamId.MAX;
        }
        if (seqGiven != null) {
            seqGiven[0] = true;
        }
        int dash = -1;
        for (int i = 0; i < len; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        long[] out = new long[1];
        if (!toUnsigned(arg, 0, dash < 0 ? len : dash, out)) {
            return null;
        }
        long ms = out[0];
        long seq = missingSeq;
        if (dash >= 0) {
            if (seqGiven != null && len - dash - 1 == 1 && arg[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else if (!toUnsigned(arg, dash + 1, len, out)) {
                return null;
            } else {
                seq = out[0];
            }
        }
        return new StreamId(ms, seq);
    }

    /** {@link #parse} replying the invalid-ID error; null after it. */
    static StreamId parseOrReply(Client c, byte[] arg, long missingSeq, boolean strict) {
        StreamId id = parse(arg, missingSeq, strict, null);
        if (id == null) {
            c.error(INVALID);
        }
        return id;
    }

    /** A range bound: "(" makes it exclusive (then parsed strictly); [0] id, or null after an error reply. */
    static StreamId intervalOrReply(Client c, byte[] arg, long missingSeq, boolean[] exclusive) {
        exclusive[0] = arg.length > 1 && arg[0] == '(';
        if (exclusive[0]) {
            byte[] rest = Arrays.copyOfRange(arg, 1, arg.length);
            return parseOrReply(c, rest, missingSeq, true);
        }
        return parseOrReply(c, arg, missingSeq, false);
    }

    /** Range start and end with exclusive bounds applied; null after an error reply. */
    static StreamId[] rangeOrReply(Client c, byte[] startArg, byte[] endArg) {
        boolean[] ex = new boolean[1];
        StreamId start = intervalOrReply(c, startArg, 0, ex);
        if (start == null) {
            return null;
        }
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                c.error("ERR invalid start ID for the interval");
                return null;
            }
        }
        StreamId end = intervalOrReply(c, endArg, -1L, ex);
        if (end == null) {
            return null;
        }
        if (ex[0]) {
            end = end.previous();
            if (end == null) {
                c.error("ERR invalid end ID for the interval");
                return null;
            }
        }
        return new StreamId[] {start, end};
    }

    /** Redis's string2ull: strict integer first, else strtoull's leniency (spaces, sign, leading zeros). */
    private static boolean toUnsigned(byte[] s, int from, int to, long[] out) {
        try {
            long v = Numbers.parseLong(s, from, to);
            if (v < 0) {
                return false;
            }
            out[0] = v;
            return true;
        } catch (Numbers.NotANumber e) {
            // fall through to strtoull
        }
        int i = from;
        while (i < to && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i == to || s[i] < '0' || s[i] > '9') {
            return false;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            long hi = Math.unsignedMultiplyHigh(v, 10);
            long next = v * 10 + d;
            if (hi != 0 || Long.compareUnsigned(next, v * 10) < 0) {
                return false;
            }
            v = next;
        }
        out[0] = negative ? -v : v;
        return true;
    }
}
