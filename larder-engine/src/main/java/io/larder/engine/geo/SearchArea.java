package io.larder.engine.geo;

/**
 * The geohash cells a search reads, as Redis picks them: the cell holding the centre at a step estimated from
 * the covering radius (one coarser when a neighbour would not reach the bounding box), and its eight
 * neighbours in Redis's order (north, south, east, west, north-east, north-west, south-east, south-west),
 * minus the neighbours beyond the bounding box. Each cell is a range of sorted set scores.
 */
final class SearchArea {
    /** Half the circumference of Redis's Mercator world in meters: a radius that needs step 1 cells. */
    private static final double MERCATOR_MAX = 20037726.37;
    private static final int[][] NEIGHBOUR_MOVES = {
            {0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
    private static final int NORTH = 1;
    private static final int SOUTH = 2;
    private static final int EAST = 3;
    private static final int WEST = 4;
    private static final int NORTH_EAST = 5;
    private static final int NORTH_WEST = 6;
    private static final int SOUTH_EAST = 7;
    private static final int SOUTH_WEST = 8;

    final int step;
    /** The nine cells: the centre first, then the neighbours in Redis's order. */
    final long[] cells = new long[9];
    /** Cells left out because they lie beyond the bounding box. */
    final boolean[] excluded = new boolean[9];

    private SearchArea(int step) {
        this.step = step;
    }

    static SearchArea of(GeoShape shape) {
        double[] bounds = shape.bounds();
        double minLon = bounds[0];
        double minLat = bounds[1];
        double maxLon = bounds[2];
        double maxLat = bounds[3];
        double lon = shape.longitude();
        double lat = shape.latitude();
        int step = estimateStep(shape.coveringRadiusMeters(), lat);
        SearchArea area = around(lon, lat, step);
        GeoHash.Cell north = GeoHash.cell(area.cells[NORTH], step);
        GeoHash.Cell south = GeoHash.cell(area.cells[SOUTH], step);
        GeoHash.Cell east = GeoHash.cell(area.cells[EAST], step);
        GeoHash.Cell west = GeoHash.cell(area.cells[WEST], step);
        boolean tooFine = north.latMax() < maxLat || south.latMin() > minLat
                || east.lonMax() < maxLon || west.lonMin() > minLon;
        if (step > 1 && tooFine) {
            step--;
            area = around(lon, lat, step);
        }
        if (step >= 2) {
            GeoHash.Cell centre = GeoHash.cell(area.cells[0], step);
            if (centre.latMin() < minLat) {
                area.exclude(SOUTH, SOUTH_WEST, SOUTH_EAST);
            }
            if (centre.latMax() > maxLat) {
                area.exclude(NORTH, NORTH_EAST, NORTH_WEST);
            }
            if (centre.lonMin() < minLon) {
                area.exclude(WEST, SOUTH_WEST, NORTH_WEST);
            }
            if (centre.lonMax() > maxLon) {
                area.exclude(EAST, SOUTH_EAST, NORTH_EAST);
            }
        }
        return area;
    }

    private static SearchArea around(double lon, double lat, int step) {
        SearchArea area = new SearchArea(step);
        long centre = GeoHash.encode(lon, lat, step, GeoHash.LAT_MIN, GeoHash.LAT_MAX);
        for (int i = 0; i < 9; i++) {
            area.cells[i] = GeoHash.move(centre, step, NEIGHBOUR_MOVES[i][0], NEIGHBOUR_MOVES[i][1]);
        }
        return area;
    }

    private void exclude(int... which) {
        for (int i : which) {
            excluded[i] = true;
        }
    }

    /** The lowest score of cell {@code i}; {@link #scoreEnd} is the first score past it. */
    long scoreStart(int i) {
        return GeoHash.align52(cells[i], step);
    }

    long scoreEnd(int i) {
        return GeoHash.align52(cells[i] + 1, step);
    }

    /** Redis's estimate of the step whose cells cover {@code meters}: coarser near the poles. */
    static int estimateStep(double meters, double lat) {
        if (meters == 0) {
            return GeoHash.STEP_MAX;
        }
        int step = 1;
        while (meters < MERCATOR_MAX) {
            meters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(GeoHash.STEP_MAX, step));
    }
}
