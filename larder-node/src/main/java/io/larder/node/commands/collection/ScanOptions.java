package io.larder.node.commands.collection;

import io.larder.engine.util.Glob;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.List;

/**
 * The cursor and options of HSCAN/SSCAN ({@code key cursor [MATCH pattern] [COUNT count]}). Redis reads them
 * in two steps around the key lookup: the cursor first, the options only once the key exists with the right
 * type. {@code pattern} is null when there is none or it matches everything.
 */
public record ScanOptions(long cursor, byte[] pattern, long count) {
    private static final long DEFAULT_COUNT = 10;

    /** The cursor at {@code args[2]}, or null after replying Redis's error. */
    public static Long cursor(Client c, byte[][] args) {
        Long cursor = parseCursor(args[2]);
        if (cursor == null) {
            c.error("ERR invalid cursor");
        }
        return cursor;
    }

    /** Parses the options from {@code args[3]}; replies with Redis's error and returns null when invalid. */
    public static ScanOptions parse(Client c, byte[][] args, long cursor) {
        byte[] pattern = null;
        long count = DEFAULT_COUNT;
        for (int i = 3; i < args.length; i += 2) {
            String option = new String(args[i], java.nio.charset.StandardCharsets.ISO_8859_1);
            boolean hasValue = i + 1 < args.length;
            if (hasValue && option.equalsIgnoreCase("count")) {
                Long n = parseCount(c, args[i + 1]);
                if (n == null) {
                    return null;
                }
                count = n;
            } else if (hasValue && option.equalsIgnoreCase("match")) {
                pattern = Glob.matchesAll(args[i + 1]) ? null : args[i + 1];
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
        }
        return new ScanOptions(cursor, pattern, count);
    }

    /** A COUNT of SCAN and its kin: at least 1; null after replying Redis's error. */
    public static Long parseCount(Client c, byte[] arg) {
        Long count = Args.parseLong(c, arg);
        if (count == null) {
            return null;
        }
        if (count < 1) {
            c.error(Errors.SYNTAX);
            return null;
        }
        return count;
    }

    /** The reply: the next cursor and the elements found. */
    public static void reply(ReplyWriter reply, long cursor, List<byte[]> elements) {
        reply.array(2);
        reply.bulk(Long.toUnsignedString(cursor));
        reply.array(elements.size());
        for (byte[] e : elements) {
            reply.bulk(e);
        }
    }

    public boolean matches(byte[] element) {
        return pattern == null || Glob.matches(pattern, element, false);
    }

    /**
     * The cursor as Redis reads it with strtoull: an optional sign (a '-' wraps around), decimal digits, 64 bits
     * unsigned; null when invalid.
     */
    static Long parseCursor(byte[] s) {
        int i = 0;
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long v = 0;
        for (; i < s.length; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return null;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                return null;
            }
            v = next;
        }
        return negative ? -v : v;
    }
}
