package io.larder.node.commands.zset;

import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.collection.BlockingTimeout;
import io.larder.node.server.BlockedClients;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.Arrays;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP. With a non-empty sorted set among their keys they behave as ZPOPMIN/ZPOPMAX
 * and ZMPOP (keyed reply); otherwise the client waits in {@code BlockedClients} with a retry that runs the same
 * pop again once one of its keys holds a sorted set, as Redis 7.2 re-runs the command. Inside EXEC nothing
 * blocks: the command answers a null array at once, as on timeout.
 */
final class ZSetBlockingPops {
    private static final byte[][] NO_KEYS = new byte[0][];

    private ZSetBlockingPops() {
    }

    static void bzpopmin(Client c, byte[][] args) {
        blockingPop(c, args, false);
    }

    static void bzpopmax(Client c, byte[][] args) {
        blockingPop(c, args, true);
    }

    /** BZPOPMIN|BZPOPMAX key [key ...] timeout: [key, member, score]. */
    private static void blockingPop(Client c, byte[][] args, boolean max) {
        long timeout = BlockingTimeout.parse(c, args[args.length - 1]);
        if (timeout < 0) {
            return;
        }
        int end = args.length - 1;
        popOrBlock(c, args, 1, end, timeout,
                (client, out) -> ZSetWrites.popFromFirst(client, out, args, 1, end, max, -1));
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member, score] ...]]. */
    static void bzmpop(Client c, byte[][] args) {
        ZSetWrites.MpopOptions o = ZSetWrites.MpopOptions.parse(c, args, 2);
        if (o == null) {
            return;
        }
        long timeout = BlockingTimeout.parse(c, args[1]);
        if (timeout < 0) {
            return;
        }
        popOrBlock(c, args, o.firstKey(), o.endKey(), timeout,
                (client, out) -> ZSetWrites.popFromFirst(client, out, args, o.firstKey(), o.endKey(), o.max(),
                        o.count()));
    }

    /** Pops at once through {@code pop}, or parks the client on {@code args[from..to)} retrying {@code pop}. */
    private static void popOrBlock(Client c, byte[][] args, int from, int to, long timeout, BlockedClients.Retry pop) {
        if (pop.serve(c, c.reply())) {
            return;
        }
        if (c.transaction().executing()) {
            c.reply().nullArray();
            return;
        }
        c.node().blocked().block(c, Arrays.copyOfRange(args, from, to), NO_KEYS, ZSetValue.class, timeout, pop,
                ReplyWriter::nullArray);
    }
}
