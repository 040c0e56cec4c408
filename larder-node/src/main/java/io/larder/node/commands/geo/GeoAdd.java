package io.larder.node.commands.geo;

import io.larder.engine.geo.GeoHash;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;

/**
 * GEOADD key [NX|XX] [CH] longitude latitude member [...]: as in Redis, the positions become geohash scores and
 * the rewritten line runs as ZADD, which does the adding, the replies, the notifications and the encoding.
 */
final class GeoAdd {
    private static final byte[] ZADD = "zadd".getBytes(StandardCharsets.US_ASCII);

    private GeoAdd() {
    }

    static void geoadd(Client c, byte[][] args) {
        boolean nx = false;
        boolean xx = false;
        int first = 2;
        for (; first < args.length; first++) {
            byte[] a = args[first];
            if (Args.is(a, "nx")) {
                nx = true;
            } else if (Args.is(a, "xx")) {
                xx = true;
            } else if (!Args.is(a, "ch")) {
                break;
            }
        }
        if ((args.length - first) % 3 != 0 || (xx && nx)) {
            c.error(Errors.SYNTAX);
            return;
        }
        int elements = (args.length - first) / 3;
        byte[][] zadd = new byte[first + elements * 2][];
        zadd[0] = ZADD;
        System.arraycopy(args, 1, zadd, 1, first - 1);
        double[] xy = new double[2];
        for (int i = 0; i < elements; i++) {
            int at = first + i * 3;
            if (!GeoArgs.position(c, args[at], args[at + 1], xy)) {
                return;
            }
            zadd[first + i * 2] = Numbers.toBytes(GeoHash.score(xy[0], xy[1]));
            zadd[first + i * 2 + 1] = args[at + 2];
        }
        c.node().commands().lookup(ZADD).handler().execute(c, zadd);
    }
}
