package io.larder.node.commands.zset;

import io.larder.engine.util.Numbers;
import io.larder.engine.zset.Scores;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.IndexRange;
import io.larder.node.commands.collection.PopCount;
import io.larder.node.commands.collection.Removals;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

/** ZADD, ZINCRBY, ZREM, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX and ZMPOP. */
final class ZSetWrites {
    private static final String NAN_RESULT = "ERR resulting score is not a number (NaN)";

    private ZSetWrites() {
    }

    /** ZADD's options, read from {@code args[2]} on until the first word that is not one. */
    private record AddOptions(boolean nx, boolean xx, boolean gt, boolean lt, boolean ch, boolean incr, int firstPair) {
        static AddOptions parse(byte[][] args, boolean incr) {
            boolean nx = false;
            boolean xx = false;
            boolean gt = false;
            boolean lt = false;
            boolean ch = false;
            int i = 2;
            for (; i < args.length; i++) {
                byte[] a = args[i];
                if (Args.is(a, "nx")) {
                    nx = true;
                } else if (Args.is(a, "xx")) {
                    xx = true;
                } else if (Args.is(a, "ch")) {
                    ch = true;
                } else if (Args.is(a, "incr")) {
                    incr = true;
                } else if (Args.is(a, "gt")) {
                    gt = true;
                } else if (Args.is(a, "lt")) {
                    lt = true;
                } else {
                    break;
                }
            }
            return new AddOptions(nx, xx, gt, lt, ch, incr, i);
        }
    }

    static void zadd(Client c, byte[][] args) {
        add(c, args, false);
    }

    /** ZINCRBY key increment member: ZADD with INCR, options and all, as in Redis. */
    static void zincrby(Client c, byte[][] args) {
        add(c, args, true);
    }

    private static void add(Client c, byte[][] args, boolean incrCommand) {
        AddOptions o = AddOptions.parse(args, incrCommand);
        int rest = args.length - o.firstPair();
        if (rest == 0 || rest % 2 != 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        int pairs = rest / 2;
        if (o.nx() && o.xx()) {
            c.error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((o.gt() && o.nx()) || (o.lt() && o.nx()) || (o.gt() && o.lt())) {
            c.error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (o.incr() && pairs > 1) {
            c.error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double onlyScore = 0;
        double[] scores = pairs == 1 ? null : new double[pairs];
        for (int j = 0; j < pairs; j++) {
            double s;
            try {
                s = Scores.parseStrict(args[o.firstPair() + 2 * j], 0);
            } catch (Scores.NotAScore e) {
                c.error(Errors.NOT_FLOAT);
                return;
            }
            if (scores == null) {
                onlyScore = s;
            } else {
                scores[j] = s;
            }
        }
        ZSetValue z = ZSets.write(c, args[1]);
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        ZSetLimits limits = ZSets.limits(c);
        if (z == null) {
            if (o.xx()) {
                if (o.incr()) {
                    reply.nullBulk();
                } else {
                    reply.integer(0);
                }
                return;
            }
            // Redis 7.2 sizes the new set by the pair count and the first member's length.
            z = ZSetValue.create(pairs, args[o.firstPair() + 1].length, limits);
            c.db().put(args[1], z);
        } else {
            z.reserve(pairs, limits);
        }
        int added = 0;
        int updated = 0;
        int processed = 0;
        double result = 0;
        for (int j = 0; j < pairs; j++) {
            byte[] member = args[o.firstPair() + 2 * j + 1];
            double score = scores == null ? onlyScore : scores[j];
            double current = z.score(member);
            if (Double.isNaN(current)) {
                if (o.xx()) {
                    continue;
                }
                z.put(member, score, limits);
                added++;
                processed++;
                result = score;
                continue;
            }
            if (o.nx()) {
                continue;
            }
            if (o.incr()) {
                score += current;
                if (Double.isNaN(score)) {
                    c.error(NAN_RESULT);
                    return;
                }
            }
            if ((o.lt() && score >= current) || (o.gt() && score <= current)) {
                continue;
            }
            processed++;
            result = score;
            if (score != current) {
                z.put(member, score, limits);
                updated++;
            }
        }
        // As Redis: only an added member or a changed score is a modification (NX/XX/GT/LT may skip them all).
        if (added > 0 || updated > 0) {
            c.db().signalModified(args[1]);
            c.notify(KeyspaceEvents.ZSET, o.incr() ? "zincr" : "zadd", args[1]);
        }
        if (added > 0) {
            c.node().blocked().signal(c.dbIndex(), args[1]); // wakes BZPOPMIN and friends
        }
        if (o.incr()) {
            if (processed > 0) {
                ZSets.score(reply, result);
            } else {
                reply.nullBulk();
            }
        } else {
            reply.integer(o.ch() ? added + updated : added);
        }
    }

    static void zrem(Client c, byte[][] args) {
        ZSetValue z = Lookups.write(c, args[1], ZSetValue.class, cl -> cl.reply().integer(0));
        if (z == null) {
            return;
        }
        Removals.members(c, args, KeyspaceEvents.ZSET, "zrem", z::remove, z::size);
    }

    static void zremrangebyrank(Client c, byte[][] args) {
        IndexRange range = IndexRange.parse(c, args);
        if (range == null) {
            return;
        }
        ZSetValue z = Lookups.write(c, args[1], ZSetValue.class, cl -> cl.reply().integer(0));
        if (z == null) {
            return;
        }
        IndexRange r = range.clamp(z.size());
        if (r == null) {
            c.reply().integer(0);
            return;
        }
        removeRanks(c, args[1], z, (int) r.start(), (int) r.end(), "zremrangebyrank");
    }

    static void zremrangebyscore(Client c, byte[][] args) {
        RangeBounds bounds = RangeBounds.score(args[2], args[3]);
        if (bounds == null) {
            c.error("ERR min or max is not a float");
            return;
        }
        removeRange(c, args, bounds, "zremrangebyscore");
    }

    static void zremrangebylex(Client c, byte[][] args) {
        RangeBounds bounds = RangeBounds.lex(args[2], args[3]);
        if (bounds == null) {
            c.error("ERR min or max not valid string range item");
            return;
        }
        removeRange(c, args, bounds, "zremrangebylex");
    }

    private static void removeRange(Client c, byte[][] args, RangeBounds bounds, String event) {
        ZSetValue z = Lookups.write(c, args[1], ZSetValue.class, cl -> cl.reply().integer(0));
        if (z == null) {
            return;
        }
        removeRanks(c, args[1], z, bounds.lo(z), bounds.hi(z) - 1, event);
    }

    private static void removeRanks(Client c, byte[] key, ZSetValue z, int from, int to, String event) {
        int count = Math.max(0, to - from + 1);
        byte[][] doomed = new byte[count][];
        int[] n = {0};
        z.visit(from, to, false, (m, s) -> {
            doomed[n[0]++] = m;
            return true;
        });
        boolean deleted = removeAll(c, key, z, doomed);
        if (count > 0) {
            c.db().signalModified(key);
            c.notify(KeyspaceEvents.ZSET, event, key);
            if (deleted) {
                c.notify(KeyspaceEvents.GENERIC, "del", key);
            }
        }
        c.reply().integer(count);
    }

    /** Removes {@code members} from {@code z}, deleting the key when that empties it; true when it did. */
    private static boolean removeAll(Client c, byte[] key, ZSetValue z, byte[][] members) {
        for (byte[] m : members) {
            z.remove(m);
        }
        if (z.size() == 0) {
            c.db().delete(key);
            return true;
        }
        return false;
    }

    static void zpopmin(Client c, byte[][] args) {
        zpop(c, args, false);
    }

    static void zpopmax(Client c, byte[][] args) {
        zpop(c, args, true);
    }

    private static void zpop(Client c, byte[][] args, boolean max) {
        Long given = PopCount.parse(c, args, 1);
        if (given == null) {
            return;
        }
        long count = given;
        if (count == 0) {
            c.reply().array(0);
            return;
        }
        ZSetValue z = Lookups.write(c, args[1], ZSetValue.class, cl -> cl.reply().array(0));
        if (z == null) {
            return;
        }
        boolean nested = c.reply().resp3() && args.length == 3;
        pop(c, c.reply(), args[1], z, max, count, nested, true);
    }

    /**
     * Pops up to {@code count} elements from one end, written to {@code out}: a flat member/score array, or
     * [member, score] pairs when {@code nested}; without {@code header} the array's length is the caller's.
     * Reports the pop (and the key's deletion) as Redis does.
     */
    private static void pop(Client c, ReplyWriter out, byte[] key, ZSetValue z, boolean max, long count,
                            boolean nested, boolean header) {
        int size = z.size();
        int n = (int) Math.min(count, size);
        if (header) {
            out.array(nested ? n : n * 2);
        }
        int from = max ? size - n : 0;
        byte[][] popped = new byte[n][];
        int[] i = {0};
        z.visit(from, from + n - 1, max, (m, s) -> {
            if (nested) {
                out.array(2);
            }
            out.bulk(m);
            ZSets.score(out, s);
            popped[i[0]++] = m;
            return true;
        });
        c.notify(KeyspaceEvents.ZSET, max ? "zpopmax" : "zpopmin", key);
        if (removeAll(c, key, z, popped)) {
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        }
        c.db().signalModified(key);
    }

    /** ZMPOP/BZMPOP's arguments from the numkeys at {@code numKeysIndex}: keys in [firstKey, endKey). */
    record MpopOptions(int firstKey, int endKey, boolean max, long count) {
        /** The options, or null after Redis's error reply. */
        static MpopOptions parse(Client c, byte[][] args, int numKeysIndex) {
            long numKeys;
            try {
                numKeys = Numbers.parseLong(args[numKeysIndex]);
            } catch (Numbers.NotANumber e) {
                numKeys = 0;
            }
            if (numKeys < 1) {
                c.error("ERR numkeys should be greater than 0");
                return null;
            }
            long whereIndex = numKeysIndex + 1 + Math.min(numKeys, args.length); // no overflow
            if (whereIndex >= args.length) {
                c.error(Errors.SYNTAX);
                return null;
            }
            boolean max;
            if (Args.is(args[(int) whereIndex], "min")) {
                max = false;
            } else if (Args.is(args[(int) whereIndex], "max")) {
                max = true;
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
            long count = -1;
            for (int j = (int) whereIndex + 1; j < args.length; j++) {
                if (count == -1 && Args.is(args[j], "count") && j + 1 < args.length) {
                    j++;
                    try {
                        count = Numbers.parseLong(args[j]);
                    } catch (Numbers.NotANumber e) {
                        count = 0;
                    }
                    if (count < 1) {
                        c.error("ERR count should be greater than 0");
                        return null;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new MpopOptions(numKeysIndex + 1, (int) whereIndex, max, count == -1 ? 1 : count);
        }
    }

    /**
     * Pops from the first sorted set among {@code args[from..to)} that has members, written to {@code out}:
     * [key, member, score] when {@code count} is negative (BZPOPMIN/BZPOPMAX), else [key, [[member, score] ...]]
     * (ZMPOP). False, with nothing written, when no key exists; a key of another type on the way is WRONGTYPE.
     */
    static boolean popFromFirst(Client c, ReplyWriter out, byte[][] args, int from, int to, boolean max, long count) {
        for (int k = from; k < to; k++) {
            Object value = c.db().get(args[k]);
            if (value == null) {
                continue;
            }
            if (!(value instanceof ZSetValue z)) {
                Errors.reply(c, out, Errors.WRONGTYPE);
                return true;
            }
            if (count < 0) {
                out.array(3);
                out.bulk(args[k]);
                pop(c, out, args[k], z, max, 1, false, false);
            } else {
                out.array(2);
                out.bulk(args[k]);
                pop(c, out, args[k], z, max, count, true, true);
            }
            return true;
        }
        return false;
    }

    /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty set. */
    static void zmpop(Client c, byte[][] args) {
        MpopOptions o = MpopOptions.parse(c, args, 1);
        if (o != null && !popFromFirst(c, c.reply(), args, o.firstKey(), o.endKey(), o.max(), o.count())) {
            c.reply().nullArray();
        }
    }
}
