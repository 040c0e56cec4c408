package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.LongDouble;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

import java.nio.charset.StandardCharsets;

/** INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT; a missing key counts as 0 and the key keeps its TTL. */
final class CounterCommands {
    private CounterCommands() {
    }

    static void incr(Client c, byte[][] args) {
        incrementBy(c, args[1], 1);
    }

    static void decr(Client c, byte[][] args) {
        incrementBy(c, args[1], -1);
    }

    static void incrby(Client c, byte[][] args) {
        try {
            incrementBy(c, args[1], Numbers.parseLong(args[2]));
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
        }
    }

    static void decrby(Client c, byte[][] args) {
        Long decrement = Args.parseLong(c, args[2]);
        if (decrement == null) {
            return;
        }
        if (decrement == Long.MIN_VALUE) {
            c.error("ERR decrement would overflow");
            return;
        }
        incrementBy(c, args[1], -decrement);
    }

    private static void incrementBy(Client c, byte[] key, long increment) {
        Db db = c.db();
        Object current = db.get(key);
        long value = 0;
        if (current != null) {
            if (!StringValues.isString(current)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
            try {
                value = Numbers.parseLong(StringValues.array(current), 0, StringValues.length(current));
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
        }
        if (increment < 0 && value < 0 && increment < Long.MIN_VALUE - value
                || increment > 0 && value > 0 && increment > Long.MAX_VALUE - value) {
            c.error(Errors.OVERFLOW);
            return;
        }
        value += increment;
        db.put(key, Numbers.toBytes(value), 0, true);
        db.signalModified(key);
        c.notify(KeyspaceEvents.STRING, "incrby", key);
        c.reply().integer(value);
    }

    static void incrbyfloat(Client c, byte[][] args) {
        Db db = c.db();
        Object current = db.get(args[1]);
        if (current != null && !StringValues.isString(current)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        String sum;
        try {
            sum = current == null
                    ? LongDouble.add(null, 0, args[2])
                    : LongDouble.add(StringValues.array(current), StringValues.length(current), args[2]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_FLOAT);
            return;
        } catch (LongDouble.NotFinite e) {
            c.error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = sum.getBytes(StandardCharsets.US_ASCII);
        // Redis stores the printed sum as a string object, never integer-encoded even when it looks like one.
        Object stored = Numbers.isLong(text) ? MutableString.of(text) : text;
        db.put(args[1], stored, 0, true);
        db.signalModified(args[1]);
        c.notify(KeyspaceEvents.STRING, "incrbyfloat", args[1]);
        c.reply().bulk(text);
    }
}
