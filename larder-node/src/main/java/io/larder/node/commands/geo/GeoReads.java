package io.larder.node.commands.geo;

import io.larder.engine.geo.GeoDistance;
import io.larder.engine.geo.GeoFormat;
import io.larder.engine.geo.GeoHash;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

/** GEOPOS, GEODIST and GEOHASH: positions read back from the members' scores. */
final class GeoReads {
    private GeoReads() {
    }

    /** GEOPOS key [member ...]: [longitude, latitude] per member, a null array for a missing one. */
    static void geopos(Client c, byte[][] args) {
        ZSetValue z = GeoArgs.read(c, args[1]);
        if (z == GeoArgs.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.array(args.length - 2);
        double[] xy = new double[2];
        for (int i = 2; i < args.length; i++) {
            double score = z == null ? Double.NaN : z.score(args[i]);
            if (Double.isNaN(score)) {
                reply.nullArray();
                continue;
            }
            GeoHash.decode(score, xy);
            reply.array(2);
            reply.doubleValue(GeoFormat.coordinate(xy[0]));
            reply.doubleValue(GeoFormat.coordinate(xy[1]));
        }
    }

    /** GEOHASH key [member ...]: the standard 11-character geohash per member, a null for a missing one. */
    static void geohash(Client c, byte[][] args) {
        ZSetValue z = GeoArgs.read(c, args[1]);
        if (z == GeoArgs.WRONG_TYPE) {
            return;
        }
        ReplyWriter reply = c.reply();
        reply.array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            double score = z == null ? Double.NaN : z.score(args[i]);
            if (Double.isNaN(score)) {
                reply.nullBulk();
            } else {
                reply.bulk(GeoHash.standardHash(score));
            }
        }
    }

    /** GEODIST key member1 member2 [unit]: null unless both members exist. */
    static void geodist(Client c, byte[][] args) {
        double toMeters = 1;
        if (args.length == 5) {
            toMeters = GeoArgs.unit(c, args[4]);
            if (toMeters == GeoArgs.FAILED) {
                return;
            }
        } else if (args.length > 5) {
            c.error(Errors.SYNTAX);
            return;
        }
        ZSetValue z = GeoArgs.read(c, args[1]);
        if (z == GeoArgs.WRONG_TYPE) {
            return;
        }
        double first = z == null ? Double.NaN : z.score(args[2]);
        double second = Double.isNaN(first) ? Double.NaN : z.score(args[3]);
        if (Double.isNaN(second)) {
            c.reply().nullBulk();
            return;
        }
        double[] a = new double[2];
        double[] b = new double[2];
        GeoHash.decode(first, a);
        GeoHash.decode(second, b);
        c.reply().bulk(GeoFormat.distance(GeoDistance.between(a[0], a[1], b[0], b[1]) / toMeters));
    }
}
