package io.larder.node.commands.list;

import io.larder.engine.keyspace.Db;
import io.larder.engine.list.ListValue;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.commands.collection.BlockingTimeout;
import io.larder.node.server.BlockedClients;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.util.Arrays;

/**
 * The commands that take elements off a list end: LPOP, RPOP, LMPOP, LMOVE, RPOPLPUSH and their blocking forms.
 * <p>
 * A blocking command whose keys have data behaves as its non-blocking form. Otherwise it parks the client
 * ({@code BlockedClients}) with a retry that runs the same pop again once a key it waits on gets elements, as
 * Redis 7.2 re-runs the command: a client waiting on several keys pops from the first of them that has data.
 * Inside EXEC nothing may block: the command answers at once as if its timeout had passed (a null array for
 * the pops, a null bulk for the moves, as Redis does).
 */
final class ListPops {
    private ListPops() {
    }

    static void lpop(Client c, byte[][] args) {
        pop(c, args, true);
    }

    static void rpop(Client c, byte[][] args) {
        pop(c, args, false);
    }

    /** LPOP/RPOP key [count]: without a count one element (or null), with one an array (null when no key). */
    private static void pop(Client c, byte[][] args, boolean left) {
        if (args.length > 3) {
            c.error("ERR wrong number of arguments for '" + (left ? "lpop" : "rpop") + "' command");
            return;
        }
        boolean hasCount = args.length == 3;
        long count = 1;
        if (hasCount) {
            try {
                count = Numbers.parseLong(args[2]);
            } catch (Numbers.NotANumber e) {
                count = -1;
            }
            if (count < 0) {
                c.error(Lists.OUT_OF_RANGE_POSITIVE);
                return;
            }
        }
        Db db = c.db();
        ListValue list = Lookups.write(c, args[1], ListValue.class, hasCount
                ? cl -> cl.reply().nullArray()
                : cl -> cl.reply().nullBulk());
        if (list == null) {
            return;
        }
        ReplyWriter out = c.reply();
        if (!hasCount) {
            out.bulk(Lists.pop(list, left));
        } else {
            long n = Math.min(count, list.size());
            out.array((int) n);
            if (n == 0) {
                return; // a count of 0 leaves the list as it is
            }
            for (long i = 0; i < n; i++) {
                out.bulk(Lists.pop(list, left));
            }
        }
        removed(c, db, args[1], list, left);
    }

    /**
     * After elements left a list: the pop is reported, an empty list's key goes, a smaller one may become
     * compact again, and the key is signalled modified.
     */
    private static void removed(Client c, Db db, byte[] key, ListValue list, boolean left) {
        c.notify(KeyspaceEvents.LIST, left ? "lpop" : "rpop", key);
        if (list.size() == 0) {
            db.delete(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        } else {
            list.shrunk(Lists.fill(c));
        }
        db.signalModified(key);
    }

    /**
     * Pops from the first list among {@code args[from..to)} that has elements: [key, element] when {@code count}
     * is negative (BLPOP), else [key, [elements...]] (LMPOP). False, with nothing written, when no key has any;
     * a key of another type on the way is a WRONGTYPE reply.
     */
    static boolean popFromFirst(Client c, ReplyWriter out, byte[][] args, int from, int to, boolean left, long count) {
        Db db = c.db();
        for (int i = from; i < to; i++) {
            Object value = db.get(args[i]);
            if (value == null) {
                continue;
            }
            if (!(value instanceof ListValue list)) {
                Errors.reply(c, out, Errors.WRONGTYPE);
                return true;
            }
            out.array(2);
            out.bulk(args[i]);
            if (count < 0) {
                out.bulk(Lists.pop(list, left));
            } else {
                long n = Math.min(count, list.size());
                out.array((int) n);
                for (long k = 0; k < n; k++) {
                    out.bulk(Lists.pop(list, left));
                }
            }
            removed(c, db, args[i], list, left);
            return true;
        }
        return false;
    }

    /**
     * Moves one element from an end of {@code source} to an end of {@code destination} and replies with it. False,
     * with nothing written, when the source does not exist; a source or destination of another type is WRONGTYPE.
     */
    static boolean move(Client c, ReplyWriter out, byte[] source, byte[] destination, boolean fromLeft, boolean toLeft) {
        Db db = c.db();
        Object sourceValue = db.get(source);
        if (sourceValue == null) {
            return false;
        }
        if (!(sourceValue instanceof ListValue from)) {
            Errors.reply(c, out, Errors.WRONGTYPE);
            return true;
        }
        Object destinationValue = db.get(destination);
        if (destinationValue != null && !(destinationValue instanceof ListValue)) {
            Errors.reply(c, out, Errors.WRONGTYPE);
            return true;
        }
        byte[] element = Lists.pop(from, fromLeft);
        ListValue to = destinationValue == null ? new ListValue() : (ListValue) destinationValue;
        if (destinationValue == null) {
            db.put(destination, to);
        }
        int fill = Lists.fill(c);
        to.growing(element, fill);
        Lists.push(to, element, toLeft, fill);
        db.signalModified(destination);
        c.notify(KeyspaceEvents.LIST, toLeft ? "lpush" : "rpush", destination);
        c.node().blocked().signal(c.dbIndex(), destination);
        out.bulk(element);
        removed(c, db, source, from, fromLeft);
        return true;
    }

    static void lmove(Client c, byte[][] args) {
        Boolean fromLeft = Lists.parseEnd(args[3]);
        Boolean toLeft = fromLeft == null ? null : Lists.parseEnd(args[4]);
        if (toLeft == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (!move(c, c.reply(), args[1], args[2], fromLeft, toLeft)) {
            c.reply().nullBulk();
        }
    }

    static void rpoplpush(Client c, byte[][] args) {
        if (!move(c, c.reply(), args[1], args[2], false, true)) {
            c.reply().nullBulk();
        }
    }

    /** LMPOP/BLMPOP's arguments after the numkeys at {@code numKeysIndex}. */
    record MpopOptions(int firstKey, int endKey, boolean left, long count) {
        /** The options, or null after an error reply. */
        static MpopOptions parse(Client c, byte[][] args, int numKeysIndex) {
            long numKeys;
            try {
                numKeys = Numbers.parseLong(args[numKeysIndex]);
            } catch (Numbers.NotANumber e) {
                numKeys = 0;
            }
            if (numKeys <= 0) {
                c.error("ERR numkeys should be greater than 0");
                return null;
            }
            long whereIndex = numKeysIndex + numKeys + 1;
            if (whereIndex >= args.length) {
                c.error(Errors.SYNTAX);
                return null;
            }
            Boolean left = Lists.parseEnd(args[(int) whereIndex]);
            if (left == null) {
                c.error(Errors.SYNTAX);
                return null;
            }
            long count = -1;
            for (int i = (int) whereIndex + 1; i < args.length; i++) {
                if (count == -1 && Lists.is(args[i], "count") && i + 1 < args.length) {
                    try {
                        count = Numbers.parseLong(args[++i]);
                    } catch (Numbers.NotANumber e) {
                        count = 0;
                    }
                    if (count <= 0) {
                        c.error("ERR count should be greater than 0");
                        return null;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return new MpopOptions(numKeysIndex + 1, (int) whereIndex, left, count == -1 ? 1 : count);
        }
    }

    static void lmpop(Client c, byte[][] args) {
        MpopOptions o = MpopOptions.parse(c, args, 1);
        if (o != null && !popFromFirst(c, c.reply(), args, o.firstKey(), o.endKey(), o.left(), o.count())) {
            c.reply().nullArray();
        }
    }

    static void blpop(Client c, byte[][] args) {
        blockingPop(c, args, true);
    }

    static void brpop(Client c, byte[][] args) {
        blockingPop(c, args, false);
    }

    private static void blockingPop(Client c, byte[][] args, boolean left) {
        long timeout = BlockingTimeout.parse(c, args[args.length - 1]);
        if (timeout < 0) {
            return;
        }
        int end = args.length - 1;
        if (!popFromFirst(c, c.reply(), args, 1, end, left, -1)) {
            block(c, args, 1, end, new byte[0][], timeout,
                    (client, out) -> popFromFirst(client, out, args, 1, end, left, -1), ReplyWriter::nullArray);
        }
    }

    static void blmpop(Client c, byte[][] args) {
        MpopOptions o = MpopOptions.parse(c, args, 2);
        if (o == null) {
            return;
        }
        long timeout = BlockingTimeout.parse(c, args[1]);
        if (timeout < 0) {
            return;
        }
        if (!popFromFirst(c, c.reply(), args, o.firstKey(), o.endKey(), o.left(), o.count())) {
            block(c, args, o.firstKey(), o.endKey(), new byte[0][], timeout,
                    (client, out) -> popFromFirst(client, out, args, o.firstKey(), o.endKey(), o.left(), o.count()),
                    ReplyWriter::nullArray);
        }
    }

    static void blmove(Client c, byte[][] args) {
        Boolean fromLeft = Lists.parseEnd(args[3]);
        Boolean toLeft = fromLeft == null ? null : Lists.parseEnd(args[4]);
        if (toLeft == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        blockingMove(c, args, fromLeft, toLeft, args[5]);
    }

    static void brpoplpush(Client c, byte[][] args) {
        blockingMove(c, args, false, true, args[3]);
    }

    private static void blockingMove(Client c, byte[][] args, boolean fromLeft, boolean toLeft, byte[] timeoutArg) {
        long timeout = BlockingTimeout.parse(c, timeoutArg);
        if (timeout < 0) {
            return;
        }
        if (!move(c, c.reply(), args[1], args[2], fromLeft, toLeft)) {
            block(c, args, 1, 2, new byte[][] {args[2]}, timeout,
                    (client, out) -> move(client, out, args[1], args[2], fromLeft, toLeft), ReplyWriter::nullBulk);
        }
    }

    private static void block(Client c, byte[][] args, int from, int to, byte[][] extraKeys, long timeout,
                              BlockedClients.Retry retry, java.util.function.Consumer<ReplyWriter> inTransaction) {
        if (c.transaction().executing()) {
            inTransaction.accept(c.reply());
            return;
        }
        byte[][] keys = Arrays.copyOfRange(args, from, to);
        c.node().blocked().block(c, keys, extraKeys, ListValue.class, timeout, retry, ReplyWriter::nullArray);
    }
}
