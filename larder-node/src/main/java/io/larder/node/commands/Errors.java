package io.larder.node.commands;

import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

/** Redis's shared error replies, word for word. */
public final class Errors {
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";

    private Errors() {
    }

    /**
     * An error reply: through {@link Client#error} on the client's own writer, or to {@code out} with the same
     * statistics when a blocked client is served from another connection's thread.
     */
    public static void reply(Client c, ReplyWriter out, String message) {
        if (out == c.reply()) {
            c.error(message);
        } else {
            out.error(message);
            c.node().stats().recordError(message);
        }
    }
}
