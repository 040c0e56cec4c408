package io.larder.node.commands.bitmap;

import io.larder.engine.bitmap.Bitfields;
import io.larder.engine.bitmap.Bitfields.Overflow;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO: every operation is parsed (and every error found) before the key is touched, then
 * the operations run in order; writes first grow the string to the furthest bit any of them reaches.
 */
final class BitfieldCommand {
    private static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private BitfieldCommand() {
    }

    private enum Kind { GET, SET, INCRBY }

    /** One GET, SET or INCRBY with the OVERFLOW policy in force where it appeared. */
    private record Op(Kind kind, boolean signed, int bits, long offset, long value, Overflow overflow) {
        long lastBit() {
            return offset + bits - 1;
        }
    }

    static void bitfield(Client c, byte[][] args) {
        run(c, args, false);
    }

    static void bitfieldRo(Client c, byte[][] args) {
        run(c, args, true);
    }

    private static void run(Client c, byte[][] args, boolean readOnlyCommand) {
        List<Op> ops = parse(c, args);
        if (ops == null) {
            return;
        }
        long highestWrite = -1;
        for (Op op : ops) {
            if (op.kind != Kind.GET) {
                highestWrite = Math.max(highestWrite, op.lastBit());
            }
        }
        Object value;
        boolean grown = false;
        if (highestWrite < 0) {
            value = Lookups.read(c, c.db(), args[1]);
            if (value != null && !StringValues.isString(value)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
        } else {
            if (readOnlyCommand) {
                c.error("ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            BitCommands.WritableBits target = BitCommands.writableBits(c, args[1], highestWrite);
            if (target == null) {
                return;
            }
            value = target.string();
            grown = target.grown();
        }
        // As Redis: a write counts as a change when the string grew or the field's value differs.
        boolean changed = false;
        ReplyWriter reply = c.reply();
        reply.array(ops.size());
        for (Op op : ops) {
            byte[] bytes = value == null ? new byte[0] : StringValues.array(value);
            int length = value == null ? 0 : StringValues.length(value);
            if (op.kind == Kind.GET) {
                reply.integer(read(bytes, length, op));
                continue;
            }
            long old = read(bytes, length, op);
            boolean incr = op.kind == Kind.INCRBY;
            long base = incr ? old : op.value;
            long increment = incr ? op.value : 0;
            Long stored = op.signed
                    ? Bitfields.signedResult(base, increment, op.bits, op.overflow)
                    : Bitfields.unsignedResult(base, increment, op.bits, op.overflow);
            if (stored == null) {
                reply.nullBulk();
                continue;
            }
            Bitfields.set(((MutableString) value).array(), op.offset, op.bits, stored);
            changed |= grown || stored != old;
            reply.integer(incr ? stored : old);
        }
        if (changed) {
            c.db().signalModified(args[1]);
            c.notify(KeyspaceEvents.STRING, "setbit", args[1]);
        }
    }

    private static long read(byte[] bytes, int length, Op op) {
        return op.signed
                ? Bitfields.getSigned(bytes, length, op.offset, op.bits)
                : Bitfields.getUnsigned(bytes, length, op.offset, op.bits);
    }

    /** The operations, or null after replying the first error, in Redis's order of checks. */
    private static List<Op> parse(Client c, byte[][] args) {
        List<Op> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        for (int j = 2; j < args.length; j++) {
            int remaining = args.length - j - 1;
            byte[] sub = args[j];
            Kind kind;
            if (BitArguments.is(sub, "get") && remaining >= 2) {
                kind = Kind.GET;
            } else if (BitArguments.is(sub, "set") && remaining >= 3) {
                kind = Kind.SET;
            } else if (BitArguments.is(sub, "incrby") && remaining >= 3) {
                kind = Kind.INCRBY;
            } else if (BitArguments.is(sub, "overflow") && remaining >= 1) {
                j++;
                overflow = overflow(args[j]);
                if (overflow == null) {
                    c.error("ERR Invalid OVERFLOW type specified");
                    return null;
                }
                continue;
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
            byte[] type = args[j + 1];
            int bits = typeBits(type);
            if (bits < 0) {
                c.error(BAD_TYPE);
                return null;
            }
            long offset = BitArguments.offset(c, args[j + 2], bits);
            if (offset < 0) {
                return null;
            }
            long value = 0;
            if (kind != Kind.GET) {
                try {
                    value = Numbers.parseLong(args[j + 3]);
                } catch (Numbers.NotANumber e) {
                    c.error(Errors.NOT_INTEGER);
                    return null;
                }
            }
            ops.add(new Op(kind, type[0] == 'i', bits, offset, value, overflow));
            j += kind == Kind.GET ? 2 : 3;
        }
        return ops;
    }

    private static Overflow overflow(byte[] name) {
        for (Overflow o : Overflow.values()) {
            if (BitArguments.is(name, o.name())) {
                return o;
            }
        }
        return null;
    }

    /** The width of an {@code i1..i64} or {@code u1..u63} type, or -1. */
    private static int typeBits(byte[] type) {
        if (type.length < 2 || (type[0] != 'i' && type[0] != 'u')) {
            return -1;
        }
        long bits;
        try {
            bits = Numbers.parseLong(type, 1, type.length);
        } catch (Numbers.NotANumber e) {
            return -1;
        }
        long max = type[0] == 'i' ? 64 : 63;
        return bits < 1 || bits > max ? -1 : (int) bits;
    }
}
