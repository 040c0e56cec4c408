package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.commands.IndexRange;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

/** The reading string commands: GET, GETEX, GETDEL, MGET, STRLEN, GETRANGE and SUBSTR. */
final class GetCommands {
    private static final byte[] EMPTY = new byte[0];

    private GetCommands() {
    }

    static void get(Client c, byte[][] args) {
        StringReads.replyCurrent(c, c.db(), args[1]);
    }

    static void getdel(Client c, byte[][] args) {
        Db db = c.db();
        Object value = Lookups.read(c, args[1], StringValues::isString, cl -> cl.reply().nullBulk());
        if (value != null) {
            StringReads.bulk(c.reply(), value);
            db.delete(args[1]);
            db.signalModified(args[1]);
            c.notify(KeyspaceEvents.GENERIC, "del", args[1]);
        }
    }

    /** GET that also sets (EX/PX/EXAT/PXAT) or removes (PERSIST) the key's expiry; a past EXAT/PXAT deletes. */
    static void getex(Client c, byte[][] args) {
        ExtendedOptions options = ExtendedOptions.parse(args, 2, false);
        if (options == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        Db db = c.db();
        byte[] key = args[1];
        Object value = Lookups.read(c, key, StringValues::isString, cl -> cl.reply().nullBulk());
        if (value == null) {
            return;
        }
        long now = db.keyspace().clock().millis();
        long expireAt = 0;
        if (options.hasExpire()) {
            try {
                expireAt = options.deadline(now);
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
            if (expireAt < 0) {
                c.error(SetCommands.invalidExpireTime("getex"));
                return;
            }
        }
        StringReads.bulk(c.reply(), value);
        if (options.absoluteExpire() && db.keyspace().deletesAtOnce(expireAt, now)) {
            db.delete(key);
            db.signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        } else if (options.hasExpire()) {
            db.expire(key, expireAt);
            db.signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "expire", key);
        } else if (options.has(ExtendedOptions.PERSIST) && db.expiry(key) > 0) {
            db.expire(key, 0);
            db.signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "persist", key);
        }
    }

    /** Null for missing keys and for keys of other types. */
    static void mget(Client c, byte[][] args) {
        Db db = c.db();
        ReplyWriter reply = c.reply();
        reply.array(args.length - 1);
        for (int j = 1; j < args.length; j++) {
            Object value = StringReads.lookupRead(c, db, args[j]);
            if (value != null && StringValues.isString(value)) {
                StringReads.bulk(reply, value);
            } else {
                reply.nullBulk();
            }
        }
    }

    static void strlen(Client c, byte[][] args) {
        Object value = Lookups.read(c, args[1], StringValues::isString, cl -> cl.reply().integer(0));
        if (value != null) {
            c.reply().integer(StringValues.length(value));
        }
    }

    /** GETRANGE and SUBSTR: inclusive offsets, negative ones from the end, clamped to the string. */
    static void getrange(Client c, byte[][] args) {
        IndexRange range = IndexRange.parse(c, args);
        if (range == null) {
            return;
        }
        long start = range.start();
        long end = range.end();
        Object value = Lookups.read(c, args[1], StringValues::isString, cl -> cl.reply().bulk(EMPTY));
        if (value == null) {
            return;
        }
        long length = StringValues.length(value);
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(EMPTY);
            return;
        }
        if (start < 0) {
            start += length;
        }
        if (end < 0) {
            end += length;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        if (end >= length) {
            end = length - 1;
        }
        if (start > end || length == 0) {
            c.reply().bulk(EMPTY);
        } else {
            c.reply().bulk(StringValues.array(value), (int) start, (int) (end - start + 1));
        }
    }
}
