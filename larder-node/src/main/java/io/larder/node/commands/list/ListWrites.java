package io.larder.node.commands.list;

import io.larder.engine.keyspace.Db;
import io.larder.engine.list.ListValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.IndexRange;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** The list commands that add, replace or remove elements in place: pushes, LSET, LINSERT, LREM, LTRIM. */
final class ListWrites {
    private ListWrites() {
    }

    static void lpush(Client c, byte[][] args) {
        push(c, args, true, false);
    }

    static void rpush(Client c, byte[][] args) {
        push(c, args, false, false);
    }

    static void lpushx(Client c, byte[][] args) {
        push(c, args, true, true);
    }

    static void rpushx(Client c, byte[][] args) {
        push(c, args, false, true);
    }

    private static void push(Client c, byte[][] args, boolean left, boolean onlyExisting) {
        Db db = c.db();
        Object value = db.get(args[1]);
        if (value != null && !(value instanceof ListValue)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        if (value == null && onlyExisting) {
            c.reply().integer(0);
            return;
        }
        int fill = Lists.fill(c);
        ListValue list = value == null ? new ListValue() : (ListValue) value;
        list.growing(args, 2, args.length, fill);
        for (int i = 2; i < args.length; i++) {
            Lists.push(list, args[i], left, fill);
        }
        if (value == null) {
            db.put(args[1], list);
        }
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.LIST, left ? "lpush" : "rpush", args[1]);
        c.node().blocked().signal(c.dbIndex(), args[1]);
        c.reply().integer(list.size());
    }

    static void lset(Client c, byte[][] args) {
        Db db = c.db();
        ListValue list = Lookups.write(c, args[1], ListValue.class, cl -> cl.error(Errors.NO_SUCH_KEY));
        if (list == null) {
            return;
        }
        Long index = Args.parseLong(c, args[2]);
        if (index == null) {
            return;
        }
        int fill = Lists.fill(c);
        list.growing(args, 3, 4, fill);
        long at = index < 0 ? list.size() + index : index;
        if (at < 0 || at >= list.size()) {
            c.error("ERR index out of range");
            return;
        }
        list.set(at, args[3], fill);
        list.shrunk(fill);
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.LIST, "lset", args[1]);
        c.reply().ok();
    }

    static void linsert(Client c, byte[][] args) {
        boolean after;
        if (Lists.is(args[2], "after")) {
            after = true;
        } else if (Lists.is(args[2], "before")) {
            after = false;
        } else {
            c.error(Errors.SYNTAX);
            return;
        }
        Db db = c.db();
        ListValue list = Lookups.write(c, args[1], ListValue.class, cl -> cl.reply().integer(0));
        if (list == null) {
            return;
        }
        int fill = Lists.fill(c);
        // Redis converts before searching the pivot, so even a missed pivot may convert.
        list.growing(args, 4, 5, fill);
        long pivot = list.indexOf(args[3]);
        if (pivot < 0) {
            c.reply().integer(-1);
            return;
        }
        list.insert(after ? pivot + 1 : pivot, args[4], fill);
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.LIST, "linsert", args[1]);
        c.reply().integer(list.size());
    }

    static void lrem(Client c, byte[][] args) {
        Long count = Args.parseLong(c, args[2]);
        if (count == null) {
            return;
        }
        Db db = c.db();
        ListValue list = Lookups.write(c, args[1], ListValue.class, cl -> cl.reply().integer(0));
        if (list == null) {
            return;
        }
        long removed = list.removeMatching(args[3], count);
        if (removed > 0) {
            c.notify(KeyspaceEvents.LIST, "lrem", args[1]);
            if (list.size() == 0) {
                db.delete(args[1]);
                c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
            } else {
                list.shrunk(Lists.fill(c));
            }
            db.signalModified(args[1]);
        }
        c.reply().integer(removed);
    }

    static void ltrim(Client c, byte[][] args) {
        IndexRange range = IndexRange.parse(c, args);
        if (range == null) {
            return;
        }
        Db db = c.db();
        ListValue list = Lookups.write(c, args[1], ListValue.class, cl -> cl.reply().ok());
        if (list == null) {
            return;
        }
        long size = list.size();
        IndexRange r = range.clamp(size);
        long fromHead;
        long fromTail;
        if (r == null) {
            fromHead = size;
            fromTail = 0;
        } else {
            fromHead = r.start();
            fromTail = size - r.end() - 1;
        }
        list.removeFirst(fromHead);
        list.removeLast(fromTail);
        c.notify(KeyspaceEvents.LIST, "ltrim", args[1]);
        if (list.size() == 0) {
            db.delete(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
        } else {
            list.shrunk(Lists.fill(c));
        }
        // Redis signals every LTRIM of an existing list, even one that removed nothing.
        db.signalModified(args[1]);
        c.reply().ok();
    }
}
