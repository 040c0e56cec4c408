package io.larder.engine.geo;

/**
 * Great-circle distances in meters on Redis's spherical earth, computed as Redis 7.2 computes them (haversine,
 * with the exact shortcut for equal longitudes), so that search membership and ordering agree with it.
 */
public final class GeoDistance {
    /** Redis's earth radius: the quadratic mean radius of WGS-84, in meters. */
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    static final double DEG_TO_RAD = Math.PI / 180.0;

    private GeoDistance() {
    }

    static double radians(double degrees) {
        return degrees * DEG_TO_RAD;
    }

    static double degrees(double radians) {
        return radians / DEG_TO_RAD;
    }

    /** The haversine distance between two positions (longitude first). */
    public static double between(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = radians(lon1);
        double lon2r = radians(lon2);
        double v = Trig.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latitudeDistance(lat1, lat2);
        }
        double lat1r = radians(lat1);
        double lat2r = radians(lat2);
        double u = Trig.sin((lat2r - lat1r) / 2);
        double a = u * u + Trig.cos(lat1r) * Trig.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * Trig.asin(Math.sqrt(a));
    }

    /** The distance along a meridian between two latitudes. */
    static double latitudeDistance(double lat1, double lat2) {
        return EARTH_RADIUS_IN_METERS * Math.abs(radians(lat2) - radians(lat1));
    }
}
