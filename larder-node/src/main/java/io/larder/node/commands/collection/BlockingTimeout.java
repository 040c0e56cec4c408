package io.larder.node.commands.collection;

import io.larder.engine.util.Numbers;
import io.larder.node.server.Client;

/** The timeout argument of the blocking list and sorted set commands: seconds, decimals allowed. */
public final class BlockingTimeout {
    /** Past this a timeout is forever in practice; Netty's timer would overflow. */
    private static final long MAX_TIMER_MILLIS = 1L << 40;

    private BlockingTimeout() {
    }

    /**
     * The timeout as milliseconds rounded up (0 waits forever), or -1 after Redis 7.2's error reply.
     */
    public static long parse(Client c, byte[] arg) {
        double seconds;
        try {
            seconds = Numbers.parseDouble(arg);
        } catch (Numbers.NotANumber e) {
            c.error("ERR timeout is not a float or out of range");
            return -1;
        }
        double millis = seconds * 1000;
        if (millis > Long.MAX_VALUE) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        long t = (long) Math.ceil(millis);
        if (t < 0) {
            c.error("ERR timeout is negative");
            return -1;
        }
        if (t > Long.MAX_VALUE - System.currentTimeMillis()) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        return t > MAX_TIMER_MILLIS ? 0 : t;
    }
}
