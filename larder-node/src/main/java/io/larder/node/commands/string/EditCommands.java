package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** APPEND and SETRANGE, which modify a string in place (it becomes a {@link MutableString}, "raw"). */
final class EditCommands {
    private static final String TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    /** The largest Java array, below any proto-max-bulk-len the JVM could not hold anyway. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private EditCommands() {
    }

    static void append(Client c, byte[][] args) {
        Db db = c.db();
        byte[] key = args[1];
        byte[] tail = args[2];
        Object current = db.get(key);
        if (current == null) {
            db.put(key, tail);
            db.signalModified(key);
            c.notify(KeyspaceEvents.STRING, "append", key);
            c.reply().integer(tail.length);
            return;
        }
        if (!StringValues.isString(current)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        if (tooLong(c, (long) StringValues.length(current) + tail.length)) {
            return;
        }
        MutableString target = StringValues.modifiable(db, key, current, tail.length);
        target.append(tail);
        db.signalModified(key);
        c.notify(KeyspaceEvents.STRING, "append", key);
        c.reply().integer(target.length());
    }

    static void setrange(Client c, byte[][] args) {
        long offset;
        try {
            offset = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (offset < 0) {
            c.error("ERR offset is out of range");
            return;
        }
        Db db = c.db();
        byte[] key = args[1];
        byte[] data = args[3];
        Object current = db.get(key);
        MutableString target;
        if (current == null) {
            if (data.length == 0) {
                c.reply().integer(0);
                return;
            }
            if (tooLong(c, offset + data.length)) {
                return;
            }
            target = MutableString.copyOf(data, 0, (int) offset + data.length);
            db.put(key, target);
        } else {
            if (!StringValues.isString(current)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
            if (data.length == 0) {
                c.reply().integer(StringValues.length(current));
                return;
            }
            if (tooLong(c, offset + data.length)) {
                return;
            }
            long growth = Math.max(0, offset + data.length - StringValues.length(current));
            target = StringValues.modifiable(db, key, current, (int) growth);
        }
        target.write((int) offset, data);
        db.signalModified(key);
        c.notify(KeyspaceEvents.STRING, "setrange", key);
        c.reply().integer(target.length());
    }

    /** Redis's checkStringLength against proto-max-bulk-len; a negative length is an overflowed sum. */
    private static boolean tooLong(Client c, long length) {
        if (length < 0 || length > c.node().config().protoMaxBulkLen.asLong() || length > MAX_ARRAY) {
            c.error(TOO_LONG);
            return true;
        }
        return false;
    }
}
