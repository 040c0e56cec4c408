package io.larder.node.commands.set;

import io.larder.engine.keyspace.Db;
import io.larder.engine.set.SetLimits;
import io.larder.engine.set.SetValue;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Intersection, union and difference of sets: SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms. */
final class SetAlgebra {
    private SetAlgebra() {
    }

    static void sinter(Client c, byte[][] args) {
        intersect(c, args, 1, args.length, null, false, 0);
    }

    static void sinterstore(Client c, byte[][] args) {
        intersect(c, args, 2, args.length, args[1], false, 0);
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
    static void sintercard(Client c, byte[][] args) {
        long numKeys;
        try {
            numKeys = Numbers.parseLong(args[1]);
        } catch (Numbers.NotANumber e) {
            numKeys = 0;
        }
        if (numKeys <= 0) {
            c.error("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys > args.length - 2) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        int end = 2 + (int) numKeys;
        long limit = 0;
        for (int i = end; i < args.length; i++) {
            boolean isLimit = new String(args[i], StandardCharsets.ISO_8859_1).equalsIgnoreCase("limit");
            if (isLimit && i + 1 < args.length) {
                try {
                    limit = Numbers.parseLong(args[++i]);
                } catch (Numbers.NotANumber e) {
                    limit = -1;
                }
                if (limit < 0) {
                    c.error("ERR LIMIT can't be negative");
                    return;
                }
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        intersect(c, args, 2, end, null, true, limit);
    }

    static void sunion(Client c, byte[][] args) {
        unionOrDiff(c, args, 1, null, false);
    }

    static void sunionstore(Client c, byte[][] args) {
        unionOrDiff(c, args, 2, args[1], false);
    }

    static void sdiff(Client c, byte[][] args) {
        unionOrDiff(c, args, 1, null, true);
    }

    static void sdiffstore(Client c, byte[][] args) {
        unionOrDiff(c, args, 2, args[1], true);
    }

    /**
     * The sets at {@code args[from..to)}, null entries for missing keys; null after replying WRONGTYPE, which
     * Redis reports even when an earlier key is missing. Sources are read lookups (counted as hits or misses)
     * in the STORE forms too.
     */
    private static SetValue[] lookupAll(Client c, byte[][] args, int from, int to) {
        SetValue[] sets = new SetValue[to - from];
        for (int i = from; i < to; i++) {
            SetValue set = Lookups.readOrMissing(c, args[i], SetValue.class, SetReads.WRONG_TYPE);
            if (set == SetReads.WRONG_TYPE) {
                return null;
            }
            sets[i - from] = set;
        }
        return sets;
    }

    /** Members of the smallest set found in every other set, in the smallest set's order. */
    private static void intersect(Client c, byte[][] args, int from, int to, byte[] destination,
                                  boolean cardinalityOnly, long limit) {
        SetValue[] sets = lookupAll(c, args, from, to);
        if (sets == null) {
            return;
        }
        Db db = c.db();
        ReplyWriter reply = c.reply();
        if (Arrays.asList(sets).contains(null)) {
            if (destination != null) {
                if (db.delete(destination)) {
                    db.signalModified(destination);
                    c.notify(KeyspaceEvents.GENERIC, "del", destination);
                }
                reply.integer(0);
            } else if (cardinalityOnly) {
                reply.integer(0);
            } else {
                reply.set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        List<byte[]> result = new ArrayList<>();
        sets[0].forEach(m -> {
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != sets[0] && !sets[j].contains(m)) {
                    return true;
                }
            }
            result.add(m);
            return !cardinalityOnly || limit == 0 || result.size() < limit;
        });
        if (cardinalityOnly) {
            reply.integer(result.size());
        } else if (destination == null) {
            // Redis replies in the smallest set's order without building a set: an intersection has no duplicates.
            reply.set(result.size());
            for (byte[] m : result) {
                reply.bulk(m);
            }
        } else {
            finish(c, destination, result, "sinterstore");
        }
    }

    /** Union in argument order, or the members of the first set absent from all the others. */
    private static void unionOrDiff(Client c, byte[][] args, int from, byte[] destination, boolean diff) {
        SetValue[] sets = lookupAll(c, args, from, args.length);
        if (sets == null) {
            return;
        }
        List<byte[]> result = new ArrayList<>();
        if (diff) {
            if (sets[0] != null) {
                sets[0].forEach(m -> {
                    for (int j = 1; j < sets.length; j++) {
                        if (sets[j] != null && (sets[j] == sets[0] || sets[j].contains(m))) {
                            return true;
                        }
                    }
                    result.add(m);
                    return true;
                });
            }
        } else {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> {
                        result.add(m);
                        return true;
                    });
                }
            }
        }
        finish(c, destination, result, diff ? "sdiffstore" : "sunionstore");
    }

    /**
     * Builds the result the way Redis does (an intset that converts as members arrive, which also drops the
     * union's duplicates) and replies with it or stores it (reporting {@code event}), deleting the destination
     * when it is empty.
     */
    private static void finish(Client c, byte[] destination, List<byte[]> members, String event) {
        SetLimits limits = SetWrites.limits(c);
        SetValue result = SetValue.empty();
        for (byte[] m : members) {
            result.add(m, limits);
        }
        ReplyWriter reply = c.reply();
        if (destination == null) {
            reply.set(result.size());
            result.forEach(m -> {
                reply.bulk(m);
                return true;
            });
            return;
        }
        Db db = c.db();
        if (result.size() != 0) {
            db.put(destination, result);
            db.signalModified(destination);
            c.notify(KeyspaceEvents.SET, event, destination);
        } else if (db.delete(destination)) {
            db.signalModified(destination);
            c.notify(KeyspaceEvents.GENERIC, "del", destination);
        }
        reply.integer(result.size());
    }
}
