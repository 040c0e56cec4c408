package io.larder.node.commands.geo;

import io.larder.engine.geo.GeoFormat;
import io.larder.engine.geo.GeoHash;
import io.larder.engine.zset.Scores;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;

/** What the geo commands share: the sorted set lookup, positions, distances and units, with Redis's errors. */
final class GeoArgs {
    /** What {@link #read} returns after replying WRONGTYPE; never stored. */
    static final ZSetValue WRONG_TYPE = ZSetValue.create(0, 0, new ZSetLimits(0, 0));
    /** What {@link #unit} returns after replying with an error; never a valid factor. */
    static final double FAILED = -1;

    private GeoArgs() {
    }

    /** The geo set at {@code key}: null when missing, {@link #WRONG_TYPE} after replying. */
    static ZSetValue read(Client c, byte[] key) {
        return Lookups.readOrMissing(c, key, ZSetValue.class, WRONG_TYPE);
    }

    static ZSetLimits limits(Client c) {
        ServerConfig config = c.node().config();
        return new ZSetLimits(config.zsetMaxListpackEntries.asLong(), config.zsetMaxListpackValue.asLong());
    }

    /** getDoubleFromObjectOrReply: the number, or NaN after replying {@code error}. */
    static double number(Client c, byte[] arg, String error) {
        try {
            return Scores.parseStrict(arg, 0);
        } catch (Scores.NotAScore e) {
            c.error(error);
            return Double.NaN;
        }
    }

    /** A longitude and a latitude into {@code xy}; false after replying when either is not a valid one. */
    static boolean position(Client c, byte[] longitude, byte[] latitude, double[] xy) {
        xy[0] = number(c, longitude, Errors.NOT_FLOAT);
        if (Double.isNaN(xy[0])) {
            return false;
        }
        xy[1] = number(c, latitude, Errors.NOT_FLOAT);
        if (Double.isNaN(xy[1])) {
            return false;
        }
        if (!GeoHash.valid(xy[0], xy[1])) {
            c.error("ERR invalid longitude,latitude pair " + GeoFormat.fixed6(xy[0]) + "," + GeoFormat.fixed6(xy[1]));
            return false;
        }
        return true;
    }

    /** The meters in a unit (m, km, ft, mi in any case), or {@link #FAILED} after replying. */
    static double unit(Client c, byte[] arg) {
        if (Args.is(arg, "m")) {
            return 1;
        } else if (Args.is(arg, "km")) {
            return 1000;
        } else if (Args.is(arg, "ft")) {
            return 0.3048;
        } else if (Args.is(arg, "mi")) {
            return 1609.34;
        }
        c.error("ERR unsupported unit provided. please use M, KM, FT, MI");
        return FAILED;
    }
}
