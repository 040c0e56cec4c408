package io.larder.node.commands.zset;

import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.IndexRange;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

/**
 * ZRANGE in all its forms (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE and the older commands it
 * subsumes, all through Redis's one zrangeGenericCommand parsing.
 */
final class ZSetRanges {
    private ZSetRanges() {
    }

    enum Kind { RANK, SCORE, LEX }

    /** A parsed request: the source key, how the range is given, and the options. */
    record Request(byte[] key, Kind kind, boolean reverse, boolean withScores, long offset, long limit,
                   long start, long end, RangeBounds bounds) {

        /**
         * Parses from {@code args[keyIndex]} (key, then the two range ends, then options). {@code kind} and
         * {@code reverse} are fixed by the older commands and null for ZRANGE/ZRANGESTORE, whose options pick
         * them. Returns null after replying with Redis's error.
         */
        static Request parse(Client c, byte[][] args, int keyIndex, boolean store, Kind kind, Boolean reverse) {
            boolean withScores = false;
            long offset = 0;
            long limit = -1;
            for (int j = keyIndex + 3; j < args.length; j++) {
                int left = args.length - j - 1;
                if (!store && Args.is(args[j], "withscores")) {
                    withScores = true;
                } else if (Args.is(args[j], "limit") && left >= 2) {
                    Long o = Args.parseLong(c, args[j + 1]);
                    if (o == null) {
                        return null;
                    }
                    Long l = Args.parseLong(c, args[j + 2]);
                    if (l == null) {
                        return null;
                    }
                    offset = o;
                    limit = l;
                    j += 2;
                } else if (reverse == null && Args.is(args[j], "rev")) {
                    reverse = true;
                } else if (kind == null && Args.is(args[j], "bylex")) {
                    kind = Kind.LEX;
                } else if (kind == null && Args.is(args[j], "byscore")) {
                    kind = Kind.SCORE;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            boolean rev = reverse != null && reverse;
            Kind k = kind == null ? Kind.RANK : kind;
            if (limit != -1 && k == Kind.RANK) {
                c.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
                return null;
            }
            if (withScores && k == Kind.LEX) {
                c.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
                return null;
            }
            byte[] min = args[keyIndex + 1];
            byte[] max = args[keyIndex + 2];
            if (rev && k != Kind.RANK) {
                byte[] t = min;
                min = max;
                max = t;
            }
            switch (k) {
                case RANK -> {
                    Long start = Args.parseLong(c, min);
                    if (start == null) {
                        return null;
                    }
                    Long end = Args.parseLong(c, max);
                    if (end == null) {
                        return null;
                    }
                    return new Request(args[keyIndex], k, rev, withScores, 0, -1, start, end, null);
                }
                case SCORE -> {
                    RangeBounds bounds = RangeBounds.score(min, max);
                    if (bounds == null) {
                        c.error("ERR min or max is not a float");
                        return null;
                    }
                    return new Request(args[keyIndex], k, rev, withScores, offset, limit, 0, 0, bounds);
                }
                default -> {
                    RangeBounds bounds = RangeBounds.lex(min, max);
                    if (bounds == null) {
                        c.error("ERR min or max not valid string range item");
                        return null;
                    }
                    return new Request(args[keyIndex], k, rev, withScores, offset, limit, 0, 0, bounds);
                }
            }
        }

        /**
         * The ascending ranks {@code [0]..[1]} the request selects in {@code z} (visited downwards when reverse);
         * empty when {@code [0] > [1]}.
         */
        int[] ranks(ZSetValue z) {
            int size = z.size();
            if (kind == Kind.RANK) {
                IndexRange r = new IndexRange(start, end).clamp(size);
                if (r == null) {
                    return new int[]{0, -1};
                }
                long s = r.start();
                long e = r.end();
                return reverse ? new int[]{(int) (size - 1 - e), (int) (size - 1 - s)} : new int[]{(int) s, (int) e};
            }
            int lo = bounds.lo(z);
            int hi = bounds.hi(z);
            if (offset < 0 || limit == 0 || offset >= hi - lo) {
                return new int[]{0, -1};
            }
            if (!reverse) {
                long from = lo + offset;
                long to = limit < 0 || limit > hi - from ? hi - 1 : from + limit - 1;
                return new int[]{(int) from, (int) to};
            }
            long top = hi - 1 - offset;
            long bottom = limit < 0 ? lo : Math.max(lo, top - limit + 1);
            return new int[]{(int) bottom, (int) top};
        }
    }

    static void zrange(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, null, null));
    }

    static void zrangestore(Client c, byte[][] args) {
        run(c, args, args[1], Request.parse(c, args, 2, true, null, null));
    }

    static void zrevrange(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, Kind.RANK, true));
    }

    static void zrangebyscore(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, Kind.SCORE, false));
    }

    static void zrevrangebyscore(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, Kind.SCORE, true));
    }

    static void zrangebylex(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, Kind.LEX, false));
    }

    static void zrevrangebylex(Client c, byte[][] args) {
        run(c, args, null, Request.parse(c, args, 1, false, Kind.LEX, true));
    }

    private static void run(Client c, byte[][] args, byte[] destination, Request request) {
        if (request == null) {
            return;
        }
        ZSetValue z = ZSets.read(c, request.key());
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        ZSetLimits limits = ZSets.limits(c);
        if (z == null) {
            if (destination != null) {
                ZSets.store(c, destination, ZSetValue.create(0, 0, limits), "zrangestore");
            } else {
                c.reply().array(0);
            }
            return;
        }
        int[] ranks = request.ranks(z);
        int count = Math.max(0, ranks[1] - ranks[0] + 1);
        if (destination != null) {
            ZSetValue result = ZSetValue.create(count, 0, limits);
            z.visit(ranks[0], ranks[1], request.reverse(), (m, s) -> {
                result.put(m, s, limits);
                return true;
            });
            ZSets.store(c, destination, result, "zrangestore");
            return;
        }
        ReplyWriter reply = c.reply();
        boolean withScores = request.withScores();
        ZSets.elementsHeader(reply, count, withScores);
        z.visit(ranks[0], ranks[1], request.reverse(), (m, s) -> {
            ZSets.element(reply, m, s, withScores);
            return true;
        });
    }
}
