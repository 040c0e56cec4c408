package io.larder.node.commands.bitmap;

import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;

/** Argument parsing shared by the bitmap commands. */
final class BitArguments {
    static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";
    /** The largest Java array: offsets past it cannot be stored even where proto-max-bulk-len allows. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private BitArguments() {
    }

    /**
     * Redis's getBitOffsetFromArgument: a non-negative bit offset whose byte lies below proto-max-bulk-len; with
     * {@code fieldBits > 0} the form {@code #n} means n fields of that width. Returns -1 after replying an error.
     */
    static long offset(Client c, byte[] arg, int fieldBits) {
        boolean fields = fieldBits > 0 && arg.length > 0 && arg[0] == '#';
        long offset;
        try {
            offset = Numbers.parseLong(arg, fields ? 1 : 0, arg.length);
        } catch (Numbers.NotANumber e) {
            c.error(BAD_OFFSET);
            return -1;
        }
        if (fields) {
            offset *= fieldBits;
        }
        long bytes = offset >> 3;
        if (offset < 0 || bytes >= c.node().config().protoMaxBulkLen.asLong() || bytes >= MAX_ARRAY) {
            c.error(BAD_OFFSET);
            return -1;
        }
        return offset;
    }

    static boolean is(byte[] arg, String name) {
        return new String(arg, StandardCharsets.ISO_8859_1).equalsIgnoreCase(name);
    }
}
