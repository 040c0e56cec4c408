package io.larder.node.commands.collection;

import io.larder.node.commands.Args;
import io.larder.node.server.Client;

/** The count of SRANDMEMBER and HRANDFIELD: any integer but Long.MIN_VALUE, whose negation would overflow. */
public final class RandomCount {
    private RandomCount() {
    }

    /** The count, or null after replying Redis's error. */
    public static Long parse(Client c, byte[] arg) {
        Long count = Args.parseLong(c, arg);
        if (count == null) {
            return null;
        }
        if (count == Long.MIN_VALUE) {
            c.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return null;
        }
        return count;
    }
}
