package io.larder.engine.geo;

/**
 * Redis's geohash: a position becomes, at a step (precision) of s bits per axis, the interleaving of its
 * latitude cell number (even bits) and longitude cell number (odd bits). Sorted set scores are step-26 hashes
 * shifted to 52 bits, over longitudes -180..180 and the Web Mercator latitudes -85.05112878..85.05112878.
 * The arithmetic follows Redis operation for operation so that scores and decoded positions match it to the
 * last bit, including its treatment of scores no GEOADD produced.
 */
public final class GeoHash {
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    /** The step of stored scores: 26 bits per axis, 52 in all. */
    public static final int STEP_MAX = 26;

    private static final double STANDARD_LAT_MIN = -90;
    private static final double STANDARD_LAT_MAX = 90;
    private static final String BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";
    private static final long EVEN_BITS = 0x5555555555555555L;
    private static final long ODD_BITS = 0xaaaaaaaaaaaaaaaaL;
    private static final double TWO_POW_63 = 0x1p63;
    private static final double TWO_POW_64 = 0x1p64;

    private GeoHash() {
    }

    /** Whether GEOADD and the searches accept the position (Redis's limits, inclusive). */
    public static boolean valid(double longitude, double latitude) {
        return longitude >= LONG_MIN && longitude <= LONG_MAX && latitude >= LAT_MIN && latitude <= LAT_MAX;
    }

    /** The sorted set score of a {@link #valid} position: its step-26 hash aligned to 52 bits. */
    public static long score(double longitude, double latitude) {
        return align52(encode(longitude, latitude, STEP_MAX, LAT_MIN, LAT_MAX), STEP_MAX);
    }

    /** The hash bits of a {@link #valid} position at {@code step}, over the given latitude range. */
    static long encode(double longitude, double latitude, int step, double latMin, double latMax) {
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - LONG_MIN) / (LONG_MAX - LONG_MIN);
        latOffset *= (double) (1L << step);
        longOffset *= (double) (1L << step);
        return interleave((long) latOffset, (long) longOffset);
    }

    /** A step-{@code step} hash as the 52-bit prefix range it stands for: its lowest score. */
    static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    /**
     * Decodes a score into {@code xy} (longitude, latitude): the centre of its step-26 cell, clamped to the
     * limits. The score is read as C's double to uint64_t conversion on x86-64 reads it.
     */
    public static void decode(double score, double[] xy) {
        Cell cell = cell(scoreBits(score), STEP_MAX);
        xy[0] = clamp((cell.lonMin + cell.lonMax) / 2, LONG_MIN, LONG_MAX);
        xy[1] = clamp((cell.latMin + cell.latMax) / 2, LAT_MIN, LAT_MAX);
    }

    /**
     * The 11-character base32 geohash GEOHASH shows for a score: the decoded position encoded again over the
     * standard -90..90 latitudes; the eleventh character stands for bits Redis does not have, always '0'.
     */
    public static byte[] standardHash(double score) {
        double[] xy = new double[2];
        decode(score, xy);
        long bits = encode(xy[0], xy[1], STEP_MAX, STANDARD_LAT_MIN, STANDARD_LAT_MAX);
        byte[] out = new byte[11];
        for (int i = 0; i < 10; i++) {
            out[i] = (byte) BASE32.charAt((int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f));
        }
        out[10] = '0';
        return out;
    }

    /** The area of a hash cell over the Redis (Mercator) latitude range. */
    record Cell(double lonMin, double lonMax, double latMin, double latMax) {
    }

    static Cell cell(long bits, int step) {
        long separated = deinterleave(bits);
        long lat = separated & 0xffffffffL;
        long lon = separated >>> 32;
        double latScale = LAT_MAX - LAT_MIN;
        double longScale = LONG_MAX - LONG_MIN;
        double cells = (double) (1L << step);
        // The +1 is 32-bit unsigned arithmetic in Redis: it wraps for the all-ones cell of foreign scores.
        return new Cell(
                LONG_MIN + (lon / cells) * longScale,
                LONG_MIN + (((lon + 1) & 0xffffffffL) / cells) * longScale,
                LAT_MIN + (lat / cells) * latScale,
                LAT_MIN + (((lat + 1) & 0xffffffffL) / cells) * latScale);
    }

    /** The cell {@code dx} columns east (wrapping around the antimeridian), {@code dy} rows north (wrapping too). */
    static long move(long bits, int step, int dx, int dy) {
        if (dx != 0) {
            bits = moveAxis(bits, step, dx, ODD_BITS, EVEN_BITS);
        }
        if (dy != 0) {
            bits = moveAxis(bits, step, dy, EVEN_BITS, ODD_BITS);
        }
        return bits;
    }

    /** Adds +-1 to the coordinate held in {@code axis} bits, carrying through the other axis's bits. */
    private static long moveAxis(long bits, int step, int d, long axis, long other) {
        long value = bits & axis;
        long kept = bits & other;
        long filler = other >>> (64 - step * 2);
        if (d > 0) {
            value = value + (filler + 1);
        } else {
            value = (value | filler) - (filler + 1);
        }
        value &= axis >>> (64 - step * 2);
        return value | kept;
    }

    /** C's (uint64_t) conversion of a double as gcc compiles it for x86-64 (out-of-range values included). */
    static long scoreBits(double score) {
        if (score < TWO_POW_63) {
            return (long) score;
        }
        if (score >= TWO_POW_64) {
            return 0;
        }
        return ((long) (score - TWO_POW_63)) ^ Long.MIN_VALUE;
    }

    private static double clamp(double v, double min, double max) {
        return v > max ? max : v < min ? min : v;
    }

    /** Spreads the low 32 bits of {@code lat} to the even positions and of {@code lon} to the odd ones. */
    static long interleave(long lat, long lon) {
        return spread(lat & 0xffffffffL) | (spread(lon & 0xffffffffL) << 1);
    }

    /** The even bits of {@code bits} packed in the low half, the odd bits in the high half. */
    static long deinterleave(long bits) {
        return squeeze(bits) | (squeeze(bits >>> 1) << 32);
    }

    private static long spread(long x) {
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        return (x | (x << 1)) & EVEN_BITS;
    }

    private static long squeeze(long x) {
        x &= EVEN_BITS;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        return (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
    }
}
