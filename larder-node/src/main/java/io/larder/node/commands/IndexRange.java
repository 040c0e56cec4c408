package io.larder.node.commands;

import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;

/**
 * An inclusive range of indexes as LRANGE, LTRIM, GETRANGE and ZRANGE take it, negative ones counting from the
 * end.
 */
public record IndexRange(long start, long end) {
    /** The range at {@code args[2]} and {@code args[3]}, or null after replying Redis's error. */
    public static IndexRange parse(Client c, byte[][] args) {
        try {
            return new IndexRange(Numbers.parseLong(args[2]), Numbers.parseLong(args[3]));
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
    }

    /**
     * The range within {@code 0..size-1} as Redis reads it for lists and sorted sets, or null when it selects
     * nothing.
     */
    public IndexRange clamp(long size) {
        long s = start < 0 ? size + start : start;
        long e = end < 0 ? size + end : end;
        if (s < 0) {
            s = 0;
        }
        if (s > e || s >= size) {
            return null;
        }
        if (e >= size) {
            e = size - 1;
        }
        return new IndexRange(s, e);
    }
}
