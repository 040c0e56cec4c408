package io.larder.node.commands.zset;

import io.larder.engine.util.Sampling;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.collection.RandomCount;
import io.larder.node.commands.collection.CollectionScan;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.concurrent.ThreadLocalRandom;

/** The reading sorted set commands on one key. */
final class ZSetReads {
    private ZSetReads() {
    }

    static void zscore(Client c, byte[][] args) {
        ZSetValue z = ZSets.read(c, args[1]);
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        double score = z == null ? Double.NaN : z.score(args[2]);
        if (Double.isNaN(score)) {
            c.reply().nullBulk();
        } else {
            ZSets.score(c.reply(), score);
        }
    }

    static void zmscore(Client c, byte[][] args) {
        ZSetValue z = ZSets.read(c, args[1]);
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            double score = z == null ? Double.NaN : z.score(args[i]);
            if (Double.isNaN(score)) {
                reply.nullBulk();
            } else {
                ZSets.score(reply, score);
            }
        }
    }

    static void zcard(Client c, byte[][] args) {
        ZSetValue z = ZSets.read(c, args[1]);
        if (z != ZSets.WRONG_TYPE) {
            c.reply().integer(z == null ? 0 : z.size());
        }
    }

    static void zcount(Client c, byte[][] args) {
        RangeBounds bounds = RangeBounds.score(args[2], args[3]);
        if (bounds == null) {
            c.error("ERR min or max is not a float");
            return;
        }
        count(c, args[1], bounds);
    }

    static void zlexcount(Client c, byte[][] args) {
        RangeBounds bounds = RangeBounds.lex(args[2], args[3]);
        if (bounds == null) {
            c.error("ERR min or max not valid string range item");
            return;
        }
        count(c, args[1], bounds);
    }

    private static void count(Client c, byte[] key, RangeBounds bounds) {
        ZSetValue z = ZSets.read(c, key);
        if (z != ZSets.WRONG_TYPE) {
            c.reply().integer(z == null ? 0 : Math.max(0, bounds.hi(z) - bounds.lo(z)));
        }
    }

    static void zrank(Client c, byte[][] args) {
        rank(c, args, false);
    }

    static void zrevrank(Client c, byte[][] args) {
        rank(c, args, true);
    }

    /** Z[REV]RANK key member [WITHSCORE] (WITHSCORE is Redis 7.2). */
    private static void rank(Client c, byte[][] args, boolean reverse) {
        if (args.length > 4) {
            c.error("ERR wrong number of arguments for '" + (reverse ? "zrevrank" : "zrank") + "' command");
            return;
        }
        boolean withScore = false;
        if (args.length == 4) {
            if (!Args.is(args[3], "withscore")) {
                c.error(Errors.SYNTAX);
                return;
            }
            withScore = true;
        }
        ZSetValue z = ZSets.read(c, args[1]);
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        long rank = z == null ? -1 : z.rank(args[2]);
        if (rank < 0) {
            if (withScore) {
                reply.nullArray();
            } else {
                reply.nullBulk();
            }
            return;
        }
        if (withScore) {
            reply.array(2);
        }
        reply.integer(reverse ? z.size() - 1 - rank : rank);
        if (withScore) {
            ZSets.score(reply, z.score(args[2]));
        }
    }

    /** ZRANDMEMBER key [count [WITHSCORES]]. */
    static void zrandmember(Client c, byte[][] args) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (args.length == 2) {
            ZSetValue z = ZSets.read(c, args[1]);
            if (z == ZSets.WRONG_TYPE) {
                return;
            }
            if (z == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(z.memberAt(z.randomPosition(random)));
            }
            return;
        }
        Long parsed = RandomCount.parse(c, args[2]);
        if (parsed == null) {
            return;
        }
        long count = parsed;
        boolean withScores = false;
        if (args.length > 4 || (args.length == 4 && !Args.is(args[3], "withscores"))) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (args.length == 4) {
            withScores = true;
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                c.error("ERR value is out of range");
                return;
            }
        }
        ZSetValue z = ZSets.read(c, args[1]);
        if (z == ZSets.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        if (z == null || count == 0) {
            reply.array(0);
            return;
        }
        if (count < 0) {
            int picks = (int) Math.min(-count, Integer.MAX_VALUE);
            ZSets.elementsHeader(reply, picks, withScores);
            for (int i = 0; i < picks; i++) {
                int p = z.randomPosition(random);
                ZSets.element(reply, z.memberAt(p), z.scoreAt(p), withScores);
            }
        } else if (count >= z.size()) {
            // Redis walks the whole set from its highest element down here.
            boolean ws = withScores;
            ZSets.elementsHeader(reply, z.size(), ws);
            z.visit(0, z.size() - 1, true, (m, s) -> {
                ZSets.element(reply, m, s, ws);
                return true;
            });
        } else {
            int[] positions = Sampling.distinct(z, (int) count, random);
            ZSets.elementsHeader(reply, positions.length, withScores);
            for (int p : positions) {
                ZSets.element(reply, z.memberAt(p), z.scoreAt(p), withScores);
            }
        }
    }

    /** ZSCAN: see {@link CollectionScan}; the reply lists each member and its score. */
    static void zscan(Client c, byte[][] args) {
        CollectionScan.scan(c, args, key -> ZSets.read(c, key), ZSets.WRONG_TYPE, SCAN);
    }

    private static final CollectionScan.Walk<ZSetValue> SCAN = new CollectionScan.Walk<>() {
        @Override
        public boolean isCompact(ZSetValue z) {
            return z.isCompact();
        }

        @Override
        public void forEach(ZSetValue z, CollectionScan.Sink sink) {
            z.forEach((m, s) -> {
                sink.entry(m, ZSets.scoreBytes(s));
                return true;
            });
        }

        @Override
        public long scanStep(ZSetValue z, long cursor, CollectionScan.Sink sink) {
            return z.scanStep(cursor, (m, s) -> {
                sink.entry(m, ZSets.scoreBytes(s));
                return true;
            });
        }
    };
}
