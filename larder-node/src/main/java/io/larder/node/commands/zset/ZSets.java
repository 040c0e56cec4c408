package io.larder.node.commands.zset;

import io.larder.engine.keyspace.Db;
import io.larder.engine.util.DoubleFormat;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Lookups;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;

/** What the sorted set commands share: lookups, limits, score replies and small argument helpers. */
final class ZSets {
    /** What {@link #read} returns after replying WRONGTYPE; never stored. */
    static final ZSetValue WRONG_TYPE = ZSetValue.create(0, 0, new ZSetLimits(0, 0));

    private ZSets() {
    }

    /** The sorted set at {@code key} for reading: null when missing, {@link #WRONG_TYPE} after replying. */
    static ZSetValue read(Client c, byte[] key) {
        return Lookups.readOrMissing(c, key, ZSetValue.class, WRONG_TYPE);
    }

    /** The sorted set at {@code key} for writing (no hit/miss count), as {@link #read}. */
    static ZSetValue write(Client c, byte[] key) {
        return Lookups.writeOrMissing(c, key, ZSetValue.class, WRONG_TYPE);
    }

    static ZSetLimits limits(Client c) {
        ServerConfig config = c.node().config();
        return new ZSetLimits(config.zsetMaxListpackEntries.asLong(), config.zsetMaxListpackValue.asLong());
    }

    /**
     * Stores {@code result} at {@code key} (reporting {@code event}), or deletes the key when it is empty;
     * replies with its size. Signals the key unless an empty result found nothing to delete, and wakes clients
     * blocked on it when it holds members.
     */
    static void store(Client c, byte[] key, ZSetValue result, String event) {
        Db db = c.db();
        if (result.size() > 0) {
            db.put(key, result);
            db.signalModified(key);
            c.notify(KeyspaceEvents.ZSET, event, key);
            c.node().blocked().signal(c.dbIndex(), key);
        } else if (db.delete(key)) {
            db.signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        }
        c.reply().integer(result.size());
    }

    /** A score as Redis 7.2's addReplyDouble writes it: a bulk string in RESP2, a double in RESP3. */
    static void score(ReplyWriter reply, double score) {
        if (!reply.resp3() && DoubleFormat.isReplyInteger(score)) {
            reply.bulkLong((long) score);
        } else {
            reply.doubleValue(DoubleFormat.reply(score));
        }
    }

    /** A score as a bulk string in either protocol (ZSCAN). */
    /** The bytes {@link #scoreBulk} replies with. */
    static byte[] scoreBytes(double score) {
        if (DoubleFormat.isReplyInteger(score)) {
            return Long.toString((long) score).getBytes(StandardCharsets.US_ASCII);
        }
        return DoubleFormat.reply(score).getBytes(StandardCharsets.US_ASCII);
    }

    static void scoreBulk(ReplyWriter reply, double score) {
        if (DoubleFormat.isReplyInteger(score)) {
            reply.bulkLong((long) score);
        } else {
            reply.bulk(DoubleFormat.reply(score).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * The header of a reply of {@code count} elements: with scores, RESP3 nests [member, score] pairs while RESP2
     * flattens them.
     */
    static void elementsHeader(ReplyWriter reply, int count, boolean withScores) {
        reply.array(withScores && !reply.resp3() ? count * 2 : count);
    }

    static void element(ReplyWriter reply, byte[] member, double score, boolean withScores) {
        if (!withScores) {
            reply.bulk(member);
            return;
        }
        if (reply.resp3()) {
            reply.array(2);
        }
        reply.bulk(member);
        score(reply, score);
    }
}
