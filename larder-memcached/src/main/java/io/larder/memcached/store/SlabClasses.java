package io.larder.memcached.store;

/**
 * memcached's slab class sizes (slabs_init): chunks from header + {@code -n} bytes growing by {@code -f}, 8-byte
 * aligned, up to the slab chunk maximum. Larder allocates per item, but reports items by these classes in
 * {@code stats items}, {@code stats slabs} and {@code me} so tools that read them see memcached's shape.
 */
public final class SlabClasses {
    public static final int PAGE_SIZE = 1024 * 1024;
    private final int[] sizes;

    public SlabClasses(int chunkSize, double factor, int chunkMax) {
        int[] s = new int[64];
        int n = 0;
        long size = Item.HEADER_BYTES + chunkSize;
        while (n < 62) {
            if (size >= chunkMax / factor) {
                break;
            }
            if (size % 8 != 0) {
                size += 8 - size % 8;
            }
            s[++n] = (int) size;
            size = (long) (size * factor);
        }
        s[++n] = chunkMax;
        sizes = java.util.Arrays.copyOf(s, n + 1);
    }

    /** Number of the largest class; classes are numbered from 1. */
    public int largest() {
        return sizes.length - 1;
    }

    public int size(int id) {
        return sizes[id];
    }

    /** The class an item of {@code total} bytes lands in (items over the largest chunk are chained from it). */
    public int classOf(int total) {
        for (int i = 1; i < sizes.length; i++) {
            if (total <= sizes[i]) {
                return i;
            }
        }
        return largest();
    }
}
