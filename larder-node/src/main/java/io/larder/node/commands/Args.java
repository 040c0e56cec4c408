package io.larder.node.commands;

import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;

/** Argument parsing shared by the command families. */
public final class Args {
    private Args() {
    }

    /** getLongFromObjectOrReply: {@code arg} as a 64-bit integer, or null after replying Redis's "not an integer" error. */
    public static Long parseLong(Client c, byte[] arg) {
        try {
            return Numbers.parseLong(arg);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
    }

    /** Whether {@code arg} is the lower-case ASCII {@code word} in any case, without allocating. */
    public static boolean is(byte[] arg, String word) {
        if (arg.length != word.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int b = arg[i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
