package io.larder.node.commands.bitmap;

import io.larder.engine.bitmap.Bitmaps;
import io.larder.engine.keyspace.Db;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;

/** SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP over string values. */
final class BitCommands {
    private static final String BAD_BIT = "ERR bit is not an integer or out of range";

    private BitCommands() {
    }

    static void setbit(Client c, byte[][] args) {
        long offset = BitArguments.offset(c, args[2], 0);
        if (offset < 0) {
            return;
        }
        long value;
        try {
            value = Numbers.parseLong(args[3]);
        } catch (Numbers.NotANumber e) {
            c.error(BAD_BIT);
            return;
        }
        if ((value & ~1L) != 0) {
            c.error(BAD_BIT);
            return;
        }
        WritableBits target = writableBits(c, args[1], offset);
        if (target == null) {
            return;
        }
        int old = Bitmaps.setBit(target.string().array(), offset, (int) value);
        // Redis signals only a SETBIT that created or grew the string or flipped the bit.
        if (target.grown() || old != value) {
            c.db().signalModified(args[1]);
            c.notify(KeyspaceEvents.STRING, "setbit", args[1]);
        }
        c.reply().integer(old);
    }

    /** A string ready for bit writes, and whether getting it ready created or lengthened it. */
    record WritableBits(MutableString string, boolean grown) {
    }

    /**
     * Redis's lookupStringForBitCommand: the key's string, created or zero-padded so that bit {@code maxBit}
     * exists, as a buffer to modify in place ("raw", like any string Redis edits). Null after WRONGTYPE.
     */
    static WritableBits writableBits(Client c, byte[] key, long maxBit) {
        Db db = c.db();
        int needed = (int) (maxBit >>> 3) + 1;
        Object current = db.get(key);
        if (current == null) {
            MutableString created = MutableString.copyOf(new byte[0], 0, needed);
            created.resize(needed);
            db.put(key, created);
            return new WritableBits(created, true);
        }
        if (!StringValues.isString(current)) {
            c.error(Errors.WRONGTYPE);
            return null;
        }
        int length = StringValues.length(current);
        MutableString target = StringValues.modifiable(db, key, current, Math.max(0, needed - length));
        // Resizing (even to the same length) also marks the value edited: Redis reports any string it unshared "raw".
        target.resize(Math.max(needed, target.length()));
        return new WritableBits(target, needed > length);
    }

    static void getbit(Client c, byte[][] args) {
        long offset = BitArguments.offset(c, args[2], 0);
        if (offset < 0) {
            return;
        }
        Object value = Lookups.read(c, c.db(), args[1]);
        if (value == null) {
            c.reply().integer(0);
        } else if (!StringValues.isString(value)) {
            c.error(Errors.WRONGTYPE);
        } else {
            c.reply().integer(Bitmaps.bit(StringValues.array(value), StringValues.length(value), offset));
        }
    }

    /** BITCOUNT key [start end [BYTE|BIT]]: arguments are checked before the key (Redis 7.2). */
    static void bitcount(Client c, byte[][] args) {
        BitRange range = range(c, args, 2, false);
        if (range == null) {
            return;
        }
        Object value = Lookups.read(c, c.db(), args[1]);
        if (value != null && !StringValues.isString(value)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        int length = value == null ? 0 : StringValues.length(value);
        if (value == null || range.crossedNegative() || range.isEmpty(length)) {
            c.reply().integer(0);
            return;
        }
        c.reply().integer(Bitmaps.count(StringValues.array(value), range.firstBit(length), range.lastBit(length)));
    }

    /** BITPOS key bit [start [end [BYTE|BIT]]]: a missing key is an endless run of zeros. */
    static void bitpos(Client c, byte[][] args) {
        long bit;
        try {
            bit = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (bit != 0 && bit != 1) {
            c.error("ERR The bit argument must be 1 or 0.");
            return;
        }
        BitRange range = range(c, args, 3, true);
        if (range == null) {
            return;
        }
        Object value = Lookups.read(c, c.db(), args[1]);
        if (value == null) {
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        if (!StringValues.isString(value)) {
            c.error(Errors.WRONGTYPE);
            return;
        }
        int length = StringValues.length(value);
        if (range.isEmpty(length)) {
            c.reply().integer(-1);
            return;
        }
        long last = range.lastBit(length);
        long found = Bitmaps.find(StringValues.array(value), range.firstBit(length), last, (int) bit);
        if (found < 0 && bit == 0 && !range.endGiven()) {
            // Without an explicit end the string continues with zeros: the first one is just past the range.
            found = (last | 7) + 1;
        }
        c.reply().integer(found);
    }

    /** The range after {@code args[from - 1]}, the whole string when there is none; null after an error. */
    private static BitRange range(Client c, byte[][] args, int from, boolean endOptional) {
        int extra = args.length - from;
        if (extra == 0) {
            return BitRange.whole();
        }
        if (extra > 3 || (!endOptional && extra == 1)) {
            c.error(Errors.SYNTAX);
            return null;
        }
        try {
            BitRange range = BitRange.parse(args, from, endOptional);
            if (range == null) {
                c.error(Errors.SYNTAX);
            }
            return range;
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
    }

    private enum Operation { AND, OR, XOR, NOT }

    /** BITOP op destkey key...: missing keys count as empty strings; an empty result deletes the destination. */
    static void bitop(Client c, byte[][] args) {
        Operation op = operation(args[1]);
        if (op == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (op == Operation.NOT && args.length != 4) {
            c.error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        Db db = c.db();
        int sources = args.length - 3;
        byte[][] arrays = new byte[sources][];
        int[] lengths = new int[sources];
        int maxLength = 0;
        for (int i = 0; i < sources; i++) {
            Object value = Lookups.read(c, db, args[i + 3]);
            if (value == null) {
                arrays[i] = new byte[0];
                continue;
            }
            if (!StringValues.isString(value)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
            arrays[i] = StringValues.array(value);
            lengths[i] = StringValues.length(value);
            maxLength = Math.max(maxLength, lengths[i]);
        }
        if (maxLength == 0) {
            if (db.delete(args[2])) {
                db.signalModified(args[2]);
                c.notify(KeyspaceEvents.GENERIC, "del", args[2]);
            }
            c.reply().integer(0);
            return;
        }
        byte[] result = new byte[maxLength];
        for (int j = 0; j < maxLength; j++) {
            int output = j < lengths[0] ? arrays[0][j] : 0;
            if (op == Operation.NOT) {
                output = ~output;
            }
            for (int i = 1; i < sources; i++) {
                int b = j < lengths[i] ? arrays[i][j] : 0;
                output = switch (op) {
                    case AND -> output & b;
                    case OR -> output | b;
                    default -> output ^ b;
                };
            }
            result[j] = (byte) output;
        }
        // Redis stores the result as a fresh sds object: "raw" whatever its length or content.
        db.put(args[2], MutableString.copyOf(result, maxLength, 0));
        db.signalModified(args[2]);
        c.notify(KeyspaceEvents.STRING, "set", args[2]);
        c.reply().integer(maxLength);
    }

    private static Operation operation(byte[] name) {
        for (Operation op : Operation.values()) {
            if (BitArguments.is(name, op.name())) {
                return op;
            }
        }
        return null;
    }
}
