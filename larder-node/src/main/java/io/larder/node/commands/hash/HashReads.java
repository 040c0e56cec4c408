package io.larder.node.commands.hash;

import io.larder.engine.hash.HashValue;
import io.larder.engine.util.Sampling;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.commands.collection.RandomCount;
import io.larder.node.commands.collection.CollectionScan;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** The reading hash commands. */
final class HashReads {
    private static final long HALF_RANGE = Long.MAX_VALUE / 2;

    private HashReads() {
    }

    /** What {@link #lookup} returns after replying WRONGTYPE; never stored. */
    static final HashValue WRONG_TYPE = new HashValue();

    /** The hash at {@code key}: null when missing, {@link #WRONG_TYPE} after replying WRONGTYPE. */
    private static HashValue lookup(Client c, byte[] key) {
        return Lookups.readOrMissing(c, key, HashValue.class, WRONG_TYPE);
    }

    static void hget(Client c, byte[][] args) {
        HashValue hash = lookup(c, args[1]);
        if (hash == WRONG_TYPE) {
            return;
        }
        byte[] v = hash == null ? null : hash.get(args[2]);
        if (v == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(v);
        }
    }

    static void hmget(Client c, byte[][] args) {
        HashValue hash = lookup(c, args[1]);
        if (hash == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            byte[] v = hash == null ? null : hash.get(args[i]);
            if (v == null) {
                reply.nullBulk();
            } else {
                reply.bulk(v);
            }
        }
    }

    static void hexists(Client c, byte[][] args) {
        HashValue hash = lookup(c, args[1]);
        if (hash != WRONG_TYPE) {
            c.reply().integer(hash != null && hash.contains(args[2]) ? 1 : 0);
        }
    }

    static void hlen(Client c, byte[][] args) {
        HashValue hash = lookup(c, args[1]);
        if (hash != WRONG_TYPE) {
            c.reply().integer(hash == null ? 0 : hash.size());
        }
    }

    static void hstrlen(Client c, byte[][] args) {
        HashValue hash = lookup(c, args[1]);
        if (hash != WRONG_TYPE) {
            byte[] v = hash == null ? null : hash.get(args[2]);
            c.reply().integer(v == null ? 0 : v.length);
        }
    }

    static void hkeys(Client c, byte[][] args) {
        replyAll(c, args[1], true, false);
    }

    static void hvals(Client c, byte[][] args) {
        replyAll(c, args[1], false, true);
    }

    static void hgetall(Client c, byte[][] args) {
        replyAll(c, args[1], true, true);
    }

    private static void replyAll(Client c, byte[] key, boolean fields, boolean values) {
        HashValue hash = lookup(c, key);
        if (hash == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        int size = hash == null ? 0 : hash.size();
        if (fields && values) {
            reply.map(size);
        } else {
            reply.array(size);
        }
        if (hash != null) {
            hash.forEach((f, v) -> {
                if (fields) {
                    reply.bulk(f);
                }
                if (values) {
                    reply.bulk(v);
                }
            });
        }
    }

    /**
     * HRANDFIELD key [count [WITHVALUES]]: a positive count gives distinct fields (the whole hash, in order,
     * when it is at least the size), a negative one |count| independent picks.
     */
    static void hrandfield(Client c, byte[][] args) {
        if (args.length == 2) {
                HashValue hash = lookup(c, args[1]);
            if (hash == WRONG_TYPE) {
                return;
            }
            if (hash == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(hash.fieldAt(hash.randomPosition(ThreadLocalRandom.current())));
            }
            return;
        }
        Long parsed = RandomCount.parse(c, args[2]);
        if (parsed == null) {
            return;
        }
        long count = parsed;
        boolean withValues = false;
        if (args.length > 4 || (args.length == 4
                && !new String(args[3], StandardCharsets.ISO_8859_1).equalsIgnoreCase("withvalues"))) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (args.length == 4) {
            withValues = true;
            if (count < -HALF_RANGE || count > HALF_RANGE) {
                c.error("ERR value is out of range");
                return;
            }
        }
        HashValue hash = lookup(c, args[1]);
        if (hash == WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        if (hash == null || count == 0) {
            reply.array(0);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean pairs = withValues && reply.resp3();
        int elements;
        int[] positions;
        if (count < 0) {
            elements = (int) Math.min(-count, Integer.MAX_VALUE / 2);
            positions = null;
        } else if (count >= hash.size()) {
            elements = hash.size();
            positions = hash.positions();
        } else {
            elements = (int) count;
            positions = Sampling.distinct(hash, elements, random);
        }
        reply.array(withValues && !pairs ? elements * 2 : elements);
        for (int i = 0; i < elements; i++) {
            int p = positions == null ? hash.randomPosition(random) : positions[i];
            if (pairs) {
                reply.array(2);
            }
            reply.bulk(hash.fieldAt(p));
            if (withValues) {
                reply.bulk(hash.valueAt(p));
            }
        }
    }

    /** HSCAN: see {@link CollectionScan}; the reply lists each field and its value. */
    static void hscan(Client c, byte[][] args) {
        CollectionScan.scan(c, args, key -> lookup(c, key), WRONG_TYPE, SCAN);
    }

    private static final CollectionScan.Walk<HashValue> SCAN = new CollectionScan.Walk<>() {
        @Override
        public boolean isCompact(HashValue hash) {
            return hash.isCompact();
        }

        @Override
        public void forEach(HashValue hash, CollectionScan.Sink sink) {
            hash.forEach(sink::entry);
        }

        @Override
        public long scanStep(HashValue hash, long cursor, CollectionScan.Sink sink) {
            return hash.scanStep(cursor, sink::entry);
        }
    };
}
