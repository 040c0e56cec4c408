package io.larder.engine.geo;

/**
 * A search area around a centre: a circle of a radius (BYRADIUS, GEORADIUS) or an axis-aligned box of a width and
 * a height (BYBOX), with sizes in a unit {@code toMeters} meters long.
 */
public final class GeoShape {
    private final double longitude;
    private final double latitude;
    private final boolean box;
    private final double radius;
    private final double width;
    private final double height;
    private final double toMeters;

    private GeoShape(double longitude, double latitude, boolean box, double radius, double width, double height,
                     double toMeters) {
        this.longitude = longitude;
        this.latitude = latitude;
        this.box = box;
        this.radius = radius;
        this.width = width;
        this.height = height;
        this.toMeters = toMeters;
    }

    public static GeoShape circle(double longitude, double latitude, double radius, double toMeters) {
        return new GeoShape(longitude, latitude, false, radius, 0, 0, toMeters);
    }

    public static GeoShape box(double longitude, double latitude, double width, double height, double toMeters) {
        return new GeoShape(longitude, latitude, true, 0, width, height, toMeters);
    }

    public double longitude() {
        return longitude;
    }

    public double latitude() {
        return latitude;
    }

    /** Meters in the unit the sizes are given in; distances are reported in that unit. */
    public double toMeters() {
        return toMeters;
    }

    /**
     * The distance in meters from the centre to the point when the point lies in the shape, else NaN. A box
     * holds the points within half its height along the meridian and half its width along their parallel.
     */
    double distanceIfWithin(double lon, double lat) {
        if (!box) {
            double distance = GeoDistance.between(longitude, latitude, lon, lat);
            return distance > radius * toMeters ? Double.NaN : distance;
        }
        double widthMeters = width * toMeters;
        double heightMeters = height * toMeters;
        if (GeoDistance.latitudeDistance(lat, latitude) > heightMeters / 2) {
            return Double.NaN;
        }
        if (GeoDistance.between(lon, lat, longitude, lat) > widthMeters / 2) {
            return Double.NaN;
        }
        return GeoDistance.between(longitude, latitude, lon, lat);
    }

    /**
     * The bounding box {min longitude, min latitude, max longitude, max latitude}. Meridians converge towards the
     * pole, so the longitude span is taken at the box's poleward edge.
     */
    double[] bounds() {
        double halfHeight = toMeters * (box ? height / 2 : radius);
        double halfWidth = toMeters * (box ? width / 2 : radius);
        double latDelta = GeoDistance.degrees(halfHeight / GeoDistance.EARTH_RADIUS_IN_METERS);
        double longDeltaTop = GeoDistance.degrees(halfWidth / GeoDistance.EARTH_RADIUS_IN_METERS
                / Trig.cos(GeoDistance.radians(latitude + latDelta)));
        double longDeltaBottom = GeoDistance.degrees(halfWidth / GeoDistance.EARTH_RADIUS_IN_METERS
                / Trig.cos(GeoDistance.radians(latitude - latDelta)));
        double longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
        return new double[] {longitude - longDelta, latitude - latDelta, longitude + longDelta, latitude + latDelta};
    }

    /** The distance from the centre that covers the shape, in meters: the radius, or half the box's diagonal. */
    double coveringRadiusMeters() {
        double r = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
        return r * toMeters;
    }
}
