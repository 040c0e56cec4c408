package io.larder.node.commands.collection;

import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

/** The optional count of SPOP, ZPOPMIN and ZPOPMAX ({@code key [count]}). */
public final class PopCount {
    private PopCount() {
    }

    /** The count at {@code args[2]}, {@code absent} when there is none, or null after replying Redis's error. */
    public static Long parse(Client c, byte[][] args, long absent) {
        if (args.length > 3) {
            c.error(Errors.SYNTAX);
            return null;
        }
        if (args.length < 3) {
            return absent;
        }
        long count;
        try {
            count = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            count = -1;
        }
        if (count < 0) {
            c.error("ERR value is out of range, must be positive");
            return null;
        }
        return count;
    }
}
