package io.larder.node.commands.set;

import io.larder.engine.set.SetValue;
import io.larder.engine.util.Sampling;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.commands.collection.RandomCount;
import io.larder.node.commands.collection.CollectionScan;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.concurrent.ThreadLocalRandom;

/** The reading set commands on one key. */
final class SetReads {
    private SetReads() {
    }

    /** What {@link #lookup} returns after replying WRONGTYPE; never stored. */
    static final SetValue WRONG_TYPE = SetValue.empty();

    /** The set at {@code key}: null when missing, {@link #WRONG_TYPE} after replying WRONGTYPE. */
    private static SetValue lookup(Client c, byte[] key) {
        return Lookups.readOrMissing(c, key, SetValue.class, WRONG_TYPE);
    }

    static void sismember(Client c, byte[][] args) {
        SetValue set = lookup(c, args[1]);
        if (set != WRONG_TYPE) {
            c.reply().integer(set != null && set.contains(args[2]) ? 1 : 0);
        }
    }

    static void smismember(Client c, byte[][] args) {
        SetValue set = lookup(c, args[1]);
        if (set == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            reply.integer(set != null && set.contains(args[i]) ? 1 : 0);
        }
    }

    static void scard(Client c, byte[][] args) {
        SetValue set = lookup(c, args[1]);
        if (set != WRONG_TYPE) {
            c.reply().integer(set == null ? 0 : set.size());
        }
    }

    static void smembers(Client c, byte[][] args) {
        SetValue set = lookup(c, args[1]);
        if (set == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.set(set == null ? 0 : set.size());
        if (set != null) {
            set.forEach(m -> {
                reply.bulk(m);
                return true;
            });
        }
    }

    /**
     * SRANDMEMBER key [count]: a positive count gives distinct members (the whole set, in order, when it is at
     * least the size), a negative one |count| independent picks.
     */
    static void srandmember(Client c, byte[][] args) {
        if (args.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (args.length == 2) {
                SetValue set = lookup(c, args[1]);
            if (set == WRONG_TYPE) {
                return;
            }
            if (set == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(set.memberAt(set.randomPosition(random)));
            }
            return;
        }
        Long parsed = RandomCount.parse(c, args[2]);
        if (parsed == null) {
            return;
        }
        long count = parsed;
        SetValue set = lookup(c, args[1]);
        if (set == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        if (set == null || count == 0) {
            reply.array(0);
            return;
        }
        if (count < 0) {
            int picks = (int) Math.min(-count, Integer.MAX_VALUE);
            reply.array(picks);
            for (int i = 0; i < picks; i++) {
                reply.bulk(set.memberAt(set.randomPosition(random)));
            }
        } else if (count >= set.size()) {
            reply.array(set.size());
            set.forEach(m -> {
                reply.bulk(m);
                return true;
            });
        } else {
            int[] positions = Sampling.distinct(set, (int) count, random);
            reply.array(positions.length);
            for (int p : positions) {
                reply.bulk(set.memberAt(p));
            }
        }
    }

    /** SSCAN: see {@link CollectionScan}; the reply lists the members. */
    static void sscan(Client c, byte[][] args) {
        CollectionScan.scan(c, args, key -> lookup(c, key), WRONG_TYPE, SCAN);
    }

    private static final CollectionScan.Walk<SetValue> SCAN = new CollectionScan.Walk<>() {
        @Override
        public boolean isCompact(SetValue set) {
            return set.isCompact();
        }

        @Override
        public void forEach(SetValue set, CollectionScan.Sink sink) {
            set.forEach(m -> {
                sink.entry(m, null);
                return true;
            });
        }

        @Override
        public long scanStep(SetValue set, long cursor, CollectionScan.Sink sink) {
            return set.scanStep(cursor, m -> {
                sink.entry(m, null);
                return true;
            });
        }
    };
}
