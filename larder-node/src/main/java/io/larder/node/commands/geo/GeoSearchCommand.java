package io.larder.node.commands.geo;

import io.larder.engine.geo.GeoFormat;
import io.larder.engine.geo.GeoHash;
import io.larder.engine.geo.GeoSearch;
import io.larder.engine.geo.GeoShape;
import io.larder.engine.keyspace.Db;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.KeyspaceEvents;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;

/**
 * GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family, one search as Redis's georadiusGeneric runs it: the source
 * key's type first, then the centre and size fixed by the command's shape, then the options left to right with
 * each error reported where it is met, then the checks across options, and only then the search.
 */
final class GeoSearchCommand {
    private GeoSearchCommand() {
    }

    /** Where a command's centre comes from. */
    private enum Centre { COORDINATES, MEMBER, OPTIONS }

    /** The commands sharing this search: where their source key and centre are and which options they take. */
    enum Variant {
        GEORADIUS(1, Centre.COORDINATES, true, false),
        GEORADIUS_RO(1, Centre.COORDINATES, false, false),
        GEORADIUSBYMEMBER(1, Centre.MEMBER, true, false),
        GEORADIUSBYMEMBER_RO(1, Centre.MEMBER, false, false),
        GEOSEARCH(1, Centre.OPTIONS, false, false),
        GEOSEARCHSTORE(2, Centre.OPTIONS, false, true);

        final int sourceIndex;
        final Centre centre;
        /** GEORADIUS's STORE key / STOREDIST key options. */
        final boolean storeOptions;
        /** GEOSEARCHSTORE: the destination is its first key, STOREDIST a bare flag. */
        final boolean storesToFirstKey;

        Variant(int sourceIndex, Centre centre, boolean storeOptions, boolean storesToFirstKey) {
            this.sourceIndex = sourceIndex;
            this.centre = centre;
            this.storeOptions = storeOptions;
            this.storesToFirstKey = storesToFirstKey;
        }

        boolean isSearch() {
            return centre == Centre.OPTIONS;
        }
    }

    private enum Sort { NONE, ASC, DESC }

    /** One parsed command line. {@code shape} is null when the source key is missing and the centre a member. */
    private record Request(GeoShape shape, byte[] storeKey, boolean storeDistances, boolean withDist,
                           boolean withHash, boolean withCoord, Sort sort, long count, boolean any) {
        int replyFields() {
            return (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        }
    }

    static void run(Client c, byte[][] args, Variant variant) {
        ZSetValue z = GeoArgs.read(c, args[variant.sourceIndex]);
        if (z == GeoArgs.WRONG_TYPE) {
            return;
        }
        Request request = new Parser(c, args, variant, z).parse();
        if (request == null) {
            return;
        }
        if (z == null) {
            if (request.storeKey() != null) {
                deleteDestination(c, request.storeKey());
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }
        Sort sort = request.sort();
        // COUNT means the nearest ones unless ANY asked for whichever come first.
        if (request.count() != 0 && sort == Sort.NONE && !request.any()) {
            sort = Sort.ASC;
        }
        GeoSearch found = GeoSearch.run(z, request.shape(), request.any() ? request.count() : 0);
        if (found.size() == 0 && request.storeKey() == null) {
            c.reply().array(0);
            return;
        }
        int returned = request.count() == 0 || found.size() < request.count()
                ? found.size() : (int) request.count();
        if (sort != Sort.NONE) {
            found.sort(sort == Sort.DESC, returned);
        }
        if (request.storeKey() == null) {
            reply(c.reply(), request, found, returned);
        } else {
            store(c, variant, request, found, returned);
        }
    }

    private static void reply(ReplyWriter reply, Request request, GeoSearch found, int returned) {
        int fields = request.replyFields();
        double toMeters = request.shape().toMeters();
        reply.array(returned);
        for (int i = 0; i < returned; i++) {
            if (fields > 0) {
                reply.array(fields + 1);
            }
            reply.bulk(found.member(i));
            if (request.withDist()) {
                reply.bulk(GeoFormat.distance(found.distanceMeters(i) / toMeters));
            }
            if (request.withHash()) {
                reply.integer((long) found.score(i));
            }
            if (request.withCoord()) {
                reply.array(2);
                reply.doubleValue(GeoFormat.coordinate(found.longitude(i)));
                reply.doubleValue(GeoFormat.coordinate(found.latitude(i)));
            }
        }
    }

    /** Stores the first {@code returned} results (scores or distances) at the destination, replacing it. */
    private static void store(Client c, Variant variant, Request request, GeoSearch found, int returned) {
        byte[] key = request.storeKey();
        if (returned == 0) {
            deleteDestination(c, key);
            c.reply().integer(0);
            return;
        }
        long longest = 0;
        for (int i = 0; i < returned; i++) {
            longest = Math.max(longest, found.member(i).length);
        }
        ZSetLimits limits = GeoArgs.limits(c);
        ZSetValue result = ZSetValue.create(returned, longest, limits);
        double toMeters = request.shape().toMeters();
        for (int i = 0; i < returned; i++) {
            double score = request.storeDistances() ? found.distanceMeters(i) / toMeters : found.score(i);
            result.put(found.member(i), score, limits);
        }
        Db db = c.db();
        db.put(key, result);
        db.signalModified(key);
        c.notify(KeyspaceEvents.ZSET, variant.isSearch() ? "geosearchstore" : "georadiusstore", key);
        c.reply().integer(returned);
    }

    private static void deleteDestination(Client c, byte[] key) {
        if (c.db().delete(key)) {
            c.db().signalModified(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        }
    }

    /** Reads one command line the way georadiusGeneric does; null after replying with an error. */
    private static final class Parser {
        private final Client c;
        private final byte[][] args;
        private final Variant variant;
        private final ZSetValue z;
        private final double[] centre = new double[2];
        private boolean box;
        private double radius;
        private double width;
        private double height;
        private double toMeters;
        private byte[] storeKey;
        private boolean storeDistances;
        private boolean withDist;
        private boolean withHash;
        private boolean withCoord;
        private boolean fromMember;
        private boolean fromLonLat;
        private boolean byRadius;
        private boolean byBox;
        private Sort sort = Sort.NONE;
        private boolean any;
        private long count;

        Parser(Client c, byte[][] args, Variant variant, ZSetValue z) {
            this.c = c;
            this.args = args;
            this.variant = variant;
            this.z = z;
        }

        Request parse() {
            int base;
            switch (variant.centre) {
                case COORDINATES -> {
                    base = 6;
                    if (!GeoArgs.position(c, args[2], args[3], centre) || !radius(3)) {
                        return null;
                    }
                }
                case MEMBER -> {
                    base = 5;
                    // Without the key there is no member to centre on: the options are still checked.
                    if (z != null && (!memberPosition(args[2]) || !radius(2))) {
                        return null;
                    }
                }
                default -> {
                    base = variant.storesToFirstKey ? 3 : 2;
                    if (variant.storesToFirstKey) {
                        storeKey = args[1];
                    }
                }
            }
            for (int i = base; i < args.length; i++) {
                int left = args.length - i - 1;
                byte[] a = args[i];
                if (Args.is(a, "withdist")) {
                    withDist = true;
                } else if (Args.is(a, "withhash")) {
                    withHash = true;
                } else if (Args.is(a, "withcoord")) {
                    withCoord = true;
                } else if (Args.is(a, "any")) {
                    any = true;
                } else if (Args.is(a, "asc")) {
                    sort = Sort.ASC;
                } else if (Args.is(a, "desc")) {
                    sort = Sort.DESC;
                } else if (Args.is(a, "count") && left >= 1) {
                    Long n = Args.parseLong(c, args[++i]);
                    if (n == null) {
                        return null;
                    }
                    if (n <= 0) {
                        c.error("ERR COUNT must be > 0");
                        return null;
                    }
                    count = n;
                } else if ((Args.is(a, "store") || Args.is(a, "storedist")) && left >= 1 && variant.storeOptions) {
                    storeDistances = a.length == "storedist".length();
                    storeKey = args[++i];
                } else if (Args.is(a, "storedist") && variant.storesToFirstKey) {
                    storeDistances = true;
                } else if (Args.is(a, "frommember") && left >= 1 && variant.isSearch() && !fromLonLat) {
                    i++;
                    if (z != null && !memberPosition(args[i])) {
                        return null;
                    }
                    fromMember = true;
                } else if (Args.is(a, "fromlonlat") && left >= 2 && variant.isSearch() && !fromMember) {
                    if (!GeoArgs.position(c, args[i + 1], args[i + 2], centre)) {
                        return null;
                    }
                    fromLonLat = true;
                    i += 2;
                } else if (Args.is(a, "byradius") && left >= 2 && variant.isSearch() && !byBox) {
                    if (!radius(i)) {
                        return null;
                    }
                    box = false;
                    byRadius = true;
                    i += 2;
                } else if (Args.is(a, "bybox") && left >= 3 && variant.isSearch() && !byRadius) {
                    if (!box(i)) {
                        return null;
                    }
                    box = true;
                    byBox = true;
                    i += 3;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return check();
        }

        /** The checks across options, in Redis's order. */
        private Request check() {
            if (storeKey != null && (withDist || withHash || withCoord)) {
                c.error("ERR " + (variant.storesToFirstKey ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                        + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
                return null;
            }
            // Redis names the command as the client spelled it.
            String command = new String(args[0], StandardCharsets.ISO_8859_1);
            if (variant.isSearch() && !(fromMember || fromLonLat)) {
                c.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + command);
                return null;
            }
            if (variant.isSearch() && !(byRadius || byBox)) {
                c.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + command);
                return null;
            }
            if (any && count == 0) {
                c.error("ERR the ANY argument requires COUNT argument");
                return null;
            }
            GeoShape shape = z == null ? null
                    : box ? GeoShape.box(centre[0], centre[1], width, height, toMeters)
                    : GeoShape.circle(centre[0], centre[1], radius, toMeters);
            return new Request(shape, storeKey, storeDistances, withDist, withHash, withCoord, sort, count, any);
        }

        /** The position of a member of the source set into the centre; false after replying when it is absent. */
        private boolean memberPosition(byte[] member) {
            double score = z.score(member);
            if (Double.isNaN(score)) {
                c.error("ERR could not decode requested zset member");
                return false;
            }
            GeoHash.decode(score, centre);
            return true;
        }

        /** A radius and its unit at {@code args[at + 1]} and {@code args[at + 2]}. */
        private boolean radius(int at) {
            double r = GeoArgs.number(c, args[at + 1], "ERR need numeric radius");
            if (Double.isNaN(r)) {
                return false;
            }
            if (r < 0) {
                c.error("ERR radius cannot be negative");
                return false;
            }
            double unit = GeoArgs.unit(c, args[at + 2]);
            if (unit == GeoArgs.FAILED) {
                return false;
            }
            radius = r;
            toMeters = unit;
            return true;
        }

        /** A width, a height and their unit from {@code args[at + 1]} on. */
        private boolean box(int at) {
            double w = GeoArgs.number(c, args[at + 1], "ERR need numeric width");
            if (Double.isNaN(w)) {
                return false;
            }
            double h = GeoArgs.number(c, args[at + 2], "ERR need numeric height");
            if (Double.isNaN(h)) {
                return false;
            }
            if (h < 0 || w < 0) {
                c.error("ERR height or width cannot be negative");
                return false;
            }
            double unit = GeoArgs.unit(c, args[at + 3]);
            if (unit == GeoArgs.FAILED) {
                return false;
            }
            width = w;
            height = h;
            toMeters = unit;
            return true;
        }
    }
}
