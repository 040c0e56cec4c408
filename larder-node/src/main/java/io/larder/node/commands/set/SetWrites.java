package io.larder.node.commands.set;

import io.larder.engine.keyspace.Db;
import io.larder.engine.set.SetLimits;
import io.larder.engine.set.SetValue;
import io.larder.engine.util.Sampling;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.commands.collection.PopCount;
import io.larder.node.commands.collection.Removals;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.util.concurrent.ThreadLocalRandom;

/** The writing set commands: SADD, SREM, SPOP and SMOVE. */
final class SetWrites {
    private SetWrites() {
    }

    static void sadd(Client c, byte[][] args) {
        Db db = c.db();
        SetValue existing = Lookups.writeOrMissing(c, args[1], SetValue.class, SetReads.WRONG_TYPE);
        if (existing == SetReads.WRONG_TYPE) {
            return;
        }
        SetLimits limits = limits(c);
        int additions = args.length - 2;
        SetValue set;
        if (existing == null) {
            set = SetValue.create(args[2], additions, limits);
        } else {
            set = existing;
            set.reserve(additions, limits);
        }
        int added = 0;
        for (int i = 2; i < args.length; i++) {
            if (set.add(args[i], limits)) {
                added++;
            }
        }
        if (existing == null) {
            db.put(args[1], set);
        }
        if (added > 0) {
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.SET, "sadd", args[1]);
        }
        c.reply().integer(added);
    }

    static void srem(Client c, byte[][] args) {
        SetValue set = Lookups.write(c, args[1], SetValue.class, cl -> cl.reply().integer(0));
        if (set == null) {
            return;
        }
        Removals.members(c, args, KeyspaceEvents.SET, "srem", set::remove, set::size);
    }

    /** SPOP key [count]: a count of at least the size pops the whole set (in its order) and deletes the key. */
    static void spop(Client c, byte[][] args) {
        Long given = PopCount.parse(c, args, -1);
        if (given == null) {
            return;
        }
        long count = given;
        Db db = c.db();
        SetValue set = Lookups.writeOrMissing(c, args[1], SetValue.class, SetReads.WRONG_TYPE);
        ReplyWriter reply = c.reply();
        if (set == SetReads.WRONG_TYPE) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (count < 0) {
            if (set == null) {
                reply.nullBulk();
                return;
            }
            byte[] member = set.memberAt(set.randomPosition(random));
            set.remove(member);
            c.notify(KeyspaceEvents.SET, "spop", args[1]);
            if (set.size() == 0) {
                db.delete(args[1]);
                c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
            }
            db.signalModified(args[1]);
            c.propagate(SREM, args[1], member); // what was removed at random, so the log replays it exactly
            reply.bulk(member);
            return;
        }
        if (set == null || count == 0) {
            reply.set(0);
            return;
        }
        c.notify(KeyspaceEvents.SET, "spop", args[1]);
        if (count >= set.size()) {
            reply.set(set.size());
            set.forEach(m -> {
                reply.bulk(m);
                return true;
            });
            db.delete(args[1]);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
            c.propagate(c.node().config().find("lazyfree-lazy-server-del").asBool() ? UNLINK : DEL, args[1]);
            return;
        }
        int[] positions = Sampling.distinct(set, (int) count, random);
        byte[][] popped = new byte[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            popped[i] = set.memberAt(positions[i]);
        }
        reply.set(popped.length);
        for (byte[] m : popped) {
            set.remove(m);
            reply.bulk(m);
        }
        db.signalModified(args[1]);
        // Logged as SREMs of the popped members, at most 1024 a command, as Redis.
        for (int from = 0; from < popped.length; from += 1024) {
            int n = Math.min(1024, popped.length - from);
            byte[][] srem = new byte[2 + n][];
            srem[0] = SREM;
            srem[1] = args[1];
            System.arraycopy(popped, from, srem, 2, n);
            c.propagate(srem);
        }
    }

    private static final byte[] SREM = {'S', 'R', 'E', 'M'};
    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] UNLINK = {'U', 'N', 'L', 'I', 'N', 'K'};

    static void smove(Client c, byte[][] args) {
        Db db = c.db();
        Object source = db.get(args[1]);
        Object destination = db.get(args[2]);
        if (source == null) {
            c.reply().integer(0);
            return;
        }
        if (!(source instanceof SetValue from) || (destination != null && !(destination instanceof SetValue))) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        byte[] member = args[3];
        if (source == destination) {
            c.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            c.reply().integer(0);
            return;
        }
        c.notify(KeyspaceEvents.SET, "srem", args[1]);
        if (from.size() == 0) {
            db.delete(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
        }
        db.signalModified(args[1]);
        SetLimits limits = limits(c);
        if (destination == null) {
            SetValue to = SetValue.create(member, 1, limits);
            to.add(member, limits);
            db.put(args[2], to);
            db.signalModified(args[2]);
            c.notify(KeyspaceEvents.SET, "sadd", args[2]);
        } else if (((SetValue) destination).add(member, limits)) {
            db.signalModified(args[2]);
            c.notify(KeyspaceEvents.SET, "sadd", args[2]);
        }
        c.reply().integer(1);
    }

    static SetLimits limits(Client c) {
        ServerConfig config = c.node().config();
        return new SetLimits(config.setMaxIntsetEntries.asLong(), config.setMaxListpackEntries.asLong(),
                config.setMaxListpackValue.asLong());
    }
}
