package io.larder.engine.geo;

import io.larder.engine.zset.ZSetValue;

import java.util.Arrays;

/**
 * The members of a geo sorted set inside a {@link GeoShape}, found as Redis finds them: the score ranges of the
 * {@link SearchArea} cells read in order (a cell equal to the one read just before is skipped), each in score
 * order, every candidate decoded and tested against the shape. Results keep that order until {@link #sort}.
 */
public final class GeoSearch {
    private static final int INITIAL_CAPACITY = 8;

    private int size;
    private byte[][] members = new byte[INITIAL_CAPACITY][];
    private double[] scores = new double[INITIAL_CAPACITY];
    private double[] longitudes = new double[INITIAL_CAPACITY];
    private double[] latitudes = new double[INITIAL_CAPACITY];
    private double[] distances = new double[INITIAL_CAPACITY];
    /** Result position to found index; the identity until sorted. */
    private int[] order;

    private GeoSearch() {
    }

    /**
     * Searches {@code z}; with a {@code limit} above 0 (COUNT with ANY) stops as soon as that many points are
     * found, which then need not be the nearest.
     */
    public static GeoSearch run(ZSetValue z, GeoShape shape, long limit) {
        GeoSearch found = new GeoSearch();
        SearchArea area = SearchArea.of(shape);
        double[] xy = new double[2];
        int lastRead = 0;
        for (int i = 0; i < 9; i++) {
            if (area.excluded[i]) {
                continue;
            }
            // Huge radii make neighbours coincide; Redis skips a cell equal to the last one read (and compares
            // with the centre cell only once something after it has been read).
            if (lastRead != 0 && area.cells[i] == area.cells[lastRead]) {
                continue;
            }
            if (found.limitReached(limit)) {
                break;
            }
            found.scan(z, area.scoreStart(i), area.scoreEnd(i), shape, limit, xy);
            lastRead = i;
        }
        found.order = new int[found.size];
        for (int i = 0; i < found.size; i++) {
            found.order[i] = i;
        }
        return found;
    }

    private boolean limitReached(long limit) {
        return size > 0 && limit > 0 && size >= limit;
    }

    /** Reads the scores in {@code [start, end)}. */
    private void scan(ZSetValue z, long start, long end, GeoShape shape, long limit, double[] xy) {
        int from = z.countByScore(start, false);
        int to = z.countByScore(end, false) - 1;
        z.visit(from, to, false, (member, score) -> {
            GeoHash.decode(score, xy);
            double distance = shape.distanceIfWithin(xy[0], xy[1]);
            if (!Double.isNaN(distance)) {
                add(member, score, xy[0], xy[1], distance);
            }
            return !limitReached(limit);
        });
    }

    private void add(byte[] member, double score, double lon, double lat, double distance) {
        if (size == members.length) {
            int capacity = size * 2;
            members = Arrays.copyOf(members, capacity);
            scores = Arrays.copyOf(scores, capacity);
            longitudes = Arrays.copyOf(longitudes, capacity);
            latitudes = Arrays.copyOf(latitudes, capacity);
            distances = Arrays.copyOf(distances, capacity);
        }
        members[size] = member;
        scores[size] = score;
        longitudes[size] = lon;
        latitudes[size] = lat;
        distances[size] = distance;
        size++;
    }

    public int size() {
        return size;
    }

    /**
     * Orders the results by distance, nearest first or farthest first, so that the first {@code wanted} are
     * the ones Redis returns, in Redis's order (ties included).
     */
    public void sort(boolean descending, int wanted) {
        ResultOrder.IndexComparator cmp = descending
                ? (a, b) -> -compareDistances(a, b)
                : this::compareDistances;
        if (wanted >= size) {
            ResultOrder.stableSort(order, size, cmp);
        } else if (wanted > 0) {
            ResultOrder.partialSort(order, size, cmp, 0, wanted - 1);
        }
    }

    private int compareDistances(int a, int b) {
        double da = distances[a];
        double db = distances[b];
        return da > db ? 1 : da == db ? 0 : -1;
    }

    // Accessors by result position.

    public byte[] member(int i) {
        return members[order[i]];
    }

    public double score(int i) {
        return scores[order[i]];
    }

    public double longitude(int i) {
        return longitudes[order[i]];
    }

    public double latitude(int i) {
        return latitudes[order[i]];
    }

    /** The distance from the shape's centre in meters. */
    public double distanceMeters(int i) {
        return distances[order[i]];
    }
}
