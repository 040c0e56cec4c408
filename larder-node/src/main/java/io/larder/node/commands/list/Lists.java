package io.larder.node.commands.list;

import io.larder.engine.list.ListValue;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;

/** What the list commands share: the fill limit, LEFT|RIGHT parsing, errors to any reply writer. */
final class Lists {
    static final String OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive";

    private Lists() {
    }

    /** list-max-listpack-size. */
    static int fill(Client c) {
        return c.node().config().listMaxListpackSize.asInt();
    }

    /** LEFT (true), RIGHT (false), or null for anything else. */
    static Boolean parseEnd(byte[] arg) {
        String s = new String(arg, StandardCharsets.ISO_8859_1);
        if (s.equalsIgnoreCase("left")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("right")) {
            return Boolean.FALSE;
        }
        return null;
    }

    static boolean is(byte[] arg, String word) {
        return new String(arg, StandardCharsets.ISO_8859_1).equalsIgnoreCase(word);
    }

    static byte[] pop(ListValue list, boolean left) {
        return left ? list.popFirst() : list.popLast();
    }

    static void push(ListValue list, byte[] element, boolean left, int fill) {
        if (left) {
            list.pushFirst(element, fill);
        } else {
            list.pushLast(element, fill);
        }
    }
}
