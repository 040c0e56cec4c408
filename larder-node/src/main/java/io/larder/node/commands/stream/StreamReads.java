package io.larder.node.commands.stream;

import io.larder.engine.stream.StreamId;
import io.larder.engine.stream.StreamValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;

/** XLEN, XRANGE and XREVRANGE. */
final class StreamReads {
    private StreamReads() {
    }

    static void xlen(Client c, byte[][] args) {
        StreamValue s = Lookups.read(c, args[1], StreamValue.class, cl -> cl.reply().integer(0));
        if (s != null) {
            c.reply().integer(s.length());
        }
    }

    static void xrange(Client c, byte[][] args) {
        range(c, args, false);
    }

    static void xrevrange(Client c, byte[][] args) {
        range(c, args, true);
    }

    private static void range(Client c, byte[][] args, boolean reverse) {
        StreamId[] bounds = StreamIds.rangeOrReply(c, reverse ? args[3] : args[2], reverse ? args[2] : args[3]);
        if (bounds == null) {
            return;
        }
        long count = -1;
        for (int j = 4; j < args.length; j++) {
            if (Streams.is(args[j], "count") && j + 1 < args.length) {
                Long v = Args.parseLong(c, args[++j]);
                if (v == null) {
                    return;
                }
                count = Math.max(0, v);
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        StreamValue s = Lookups.read(c, args[1], StreamValue.class, cl -> cl.reply().array(0));
        if (s == null) {
            return;
        }
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        Streams.range(c.reply(), s, bounds[0], bounds[1], count == -1 ? 0 : count, reverse);
    }
}
