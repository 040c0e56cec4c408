package io.larder.node.commands.sort;

import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

import java.util.ArrayList;
import java.util.List;

/**
 * SORT's options, parsed once as Redis reads them: any order, later ones win, STORE only for SORT.
 *
 * @param by       the BY pattern, or null
 * @param dontSort BY named a pattern without '*': elements keep their stored order
 * @param gets     the GET patterns in order
 * @param store    the STORE destination, or null
 */
record SortOptions(byte[] by, boolean dontSort, List<byte[]> gets, long limitStart, long limitCount, boolean desc,
                   boolean alpha, byte[] store) {

    /** The options in {@code args[2..]}, or null after Redis's error reply. */
    static SortOptions parse(Client c, byte[][] args, boolean readonly) {
        byte[] by = null;
        boolean dontSort = false;
        List<byte[]> gets = new ArrayList<>();
        long limitStart = 0;
        long limitCount = -1;
        boolean desc = false;
        boolean alpha = false;
        byte[] store = null;
        for (int j = 2; j < args.length; j++) {
            int left = args.length - j - 1;
            byte[] a = args[j];
            if (Args.is(a, "asc")) {
                desc = false;
            } else if (Args.is(a, "desc")) {
                desc = true;
            } else if (Args.is(a, "alpha")) {
                alpha = true;
            } else if (Args.is(a, "limit") && left >= 2) {
                try {
                    limitStart = Numbers.parseLong(args[j + 1]);
                    limitCount = Numbers.parseLong(args[j + 2]);
                } catch (Numbers.NotANumber e) {
                    c.error(Errors.NOT_INTEGER);
                    return null;
                }
                j += 2;
            } else if (!readonly && Args.is(a, "store") && left >= 1) {
                store = args[++j];
            } else if (Args.is(a, "by") && left >= 1) {
                by = args[++j];
                dontSort = indexOf(by, (byte) '*') < 0;
            } else if (Args.is(a, "get") && left >= 1) {
                gets.add(args[++j]);
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
        }
        return new SortOptions(by, dontSort, gets, limitStart, limitCount, desc, alpha, store);
    }

    /**
     * Whether a command line may read keys named by patterns (BY or GET anywhere among the options): the
     * dispatcher then holds every stripe. Over-approximates, which is safe.
     */
    static boolean readsPatternKeys(byte[][] args) {
        for (int j = 2; j < args.length; j++) {
            if (Args.is(args[j], "by") || Args.is(args[j], "get")) {
                return true;
            }
        }
        return false;
    }

    /** The key positions of SORT as Redis's sortGetKeys finds them: the key, and the last STORE destination. */
    static int[] keyPositions(byte[][] args) {
        int store = -1;
        for (int i = 2; i < args.length; i++) {
            if (Args.is(args[i], "limit")) {
                i += 2;
            } else if (Args.is(args[i], "get") || Args.is(args[i], "by")) {
                i += 1;
            } else if (Args.is(args[i], "store") && i + 1 < args.length) {
                store = i + 1;
            }
        }
        return store < 0 ? new int[] {1} : new int[] {1, store};
    }

    static int indexOf(byte[] s, byte b) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
