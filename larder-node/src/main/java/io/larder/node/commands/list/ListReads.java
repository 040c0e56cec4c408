package io.larder.node.commands.list;

import io.larder.engine.list.ListValue;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.IndexRange;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.Arrays;

/** The reading list commands: LLEN, LRANGE, LINDEX and LPOS. */
final class ListReads {
    private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
            + "second ... or use negative to start from the end of the list";

    private ListReads() {
    }

    static void llen(Client c, byte[][] args) {
        ListValue list = Lookups.read(c, args[1], ListValue.class, cl -> cl.reply().integer(0));
        if (list != null) {
            c.reply().integer(list.size());
        }
    }

    static void lrange(Client c, byte[][] args) {
        IndexRange range = IndexRange.parse(c, args);
        if (range == null) {
            return;
        }
        ListValue list = Lookups.read(c, args[1], ListValue.class, cl -> cl.reply().array(0));
        if (list == null) {
            return;
        }
        IndexRange r = range.clamp(list.size());
        if (r == null) {
            c.reply().array(0);
            return;
        }
        ReplyWriter out = c.reply();
        out.array((int) (r.end() - r.start() + 1));
        list.forEach(r.start(), false, new RangeWriter(out, r.end() - r.start() + 1));
    }

    /** Writes the next {@code remaining} elements as bulk strings. */
    private static final class RangeWriter implements ListValue.ElementVisitor {
        private final ReplyWriter out;
        private long remaining;

        RangeWriter(ReplyWriter out, long remaining) {
            this.out = out;
            this.remaining = remaining;
        }

        @Override
        public boolean visit(byte[] element) {
            out.bulk(element);
            return --remaining > 0;
        }
    }

    static void lindex(Client c, byte[][] args) {
        ListValue list = Lookups.read(c, args[1], ListValue.class, cl -> cl.reply().nullBulk());
        if (list == null) {
            return;
        }
        Long index = Args.parseLong(c, args[2]);
        if (index == null) {
            return;
        }
        long at = index < 0 ? list.size() + index : index;
        if (at < 0 || at >= list.size()) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(list.get(at));
        }
    }

    /** LPOS's options: rank 1 = first match, negative from the tail; count -1 = no COUNT; maxlen 0 = no limit. */
    private record LposOptions(long rank, long count, long maxlen) {
        /** The options from position 3, or null after an error reply. */
        static LposOptions parse(Client c, byte[][] args) {
            long rank = 1;
            long count = -1;
            long maxlen = 0;
            for (int i = 3; i < args.length; i++) {
                boolean more = i + 1 < args.length;
                if (Lists.is(args[i], "rank") && more) {
                    Long r = parse(args[++i]);
                    if (r == null) {
                        c.error(Errors.NOT_INTEGER);
                        return null;
                    }
                    if (r == Long.MIN_VALUE) {
                        // Redis 7.2 bounds RANK to -LONG_MAX..LONG_MAX, so that it can be negated.
                        c.error("ERR value is out of range, value must between -9223372036854775807 and "
                                + "9223372036854775807");
                        return null;
                    }
                    if (r == 0) {
                        c.error(RANK_ZERO);
                        return null;
                    }
                    rank = r;
                } else if (Lists.is(args[i], "count") && more) {
                    Long n = parse(args[++i]);
                    if (n == null || n < 0) {
                        c.error("ERR COUNT can't be negative");
                        return null;
                    }
                    count = n;
                } else if (Lists.is(args[i], "maxlen") && more) {
                    Long n = parse(args[++i]);
                    if (n == null || n < 0) {
                        c.error("ERR MAXLEN can't be negative");
                        return null;
                    }
                    maxlen = n;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new LposOptions(rank, count, maxlen);
        }

        private static Long parse(byte[] arg) {
            try {
                return Numbers.parseLong(arg);
            } catch (Numbers.NotANumber e) {
                return null;
            }
        }
    }

    static void lpos(Client c, byte[][] args) {
        LposOptions options = LposOptions.parse(c, args);
        if (options == null) {
            return;
        }
        ListValue list = Lookups.read(c, args[1], ListValue.class, options.count() != -1
                ? cl -> cl.reply().array(0)
                : cl -> cl.reply().nullBulk());
        if (list == null) {
            return;
        }
        boolean fromTail = options.rank() < 0;
        MatchFinder finder = new MatchFinder(args[2], list.size(), fromTail, options);
        if (list.size() > 0) {
            list.forEach(fromTail ? list.size() - 1 : 0, fromTail, finder);
        }
        if (options.count() == -1) {
            if (finder.found == 0) {
                c.reply().nullBulk();
            } else {
                c.reply().integer(finder.positions[0]);
            }
            return;
        }
        c.reply().array(finder.found);
        for (int i = 0; i < finder.found; i++) {
            c.reply().integer(finder.positions[i]);
        }
    }

    /** LPOS's walk: skips rank - 1 matches, then collects up to count positions within maxlen elements. */
    private static final class MatchFinder implements ListValue.ElementVisitor {
        private final byte[] element;
        private final long size;
        private final boolean fromTail;
        private final long wanted;
        private final long maxlen;
        private long toSkip;
        private long examined;
        long[] positions = new long[1];
        int found;

        MatchFinder(byte[] element, long size, boolean fromTail, LposOptions options) {
            this.element = element;
            this.size = size;
            this.fromTail = fromTail;
            this.toSkip = Math.abs(options.rank()) - 1;
            this.wanted = options.count() == -1 ? 1 : options.count() == 0 ? Long.MAX_VALUE : options.count();
            this.maxlen = options.maxlen() == 0 ? Long.MAX_VALUE : options.maxlen();
        }

        @Override
        public boolean visit(byte[] e) {
            if (examined >= maxlen) {
                return false;
            }
            long index = examined++;
            if (!Arrays.equals(e, element)) {
                return true;
            }
            if (toSkip > 0) {
                toSkip--;
                return true;
            }
            if (found == positions.length) {
                positions = Arrays.copyOf(positions, found * 2);
            }
            positions[found++] = fromTail ? size - 1 - index : index;
            return found < wanted;
        }
    }
}
