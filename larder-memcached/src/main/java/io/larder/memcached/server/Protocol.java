package io.larder.memcached.server;

import io.netty.buffer.ByteBuf;

/** One connection's protocol engine: consumes whole requests from the input, appends replies to the connection. */
public interface Protocol {
    /** Runs every complete request in {@code in}, leaving a partial one unread. */
    void process(ByteBuf in);
}
