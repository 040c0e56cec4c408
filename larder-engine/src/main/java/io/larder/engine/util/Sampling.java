package io.larder.engine.util;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Random choice of elements from a collection value (hash fields, set members) addressed by position: an array
 * index in compact encodings, a table cell in hashtable ones.
 */
public final class Sampling {
    private Sampling() {
    }

    /** A collection whose elements can be drawn at random by position. */
    public interface Positioned {
        int size();

        /** The position of an element chosen at random. */
        int randomPosition(RandomGenerator random);

        /** Every element's position, in iteration order. */
        int[] positions();
    }

    /** The positions 0 to {@code size - 1}: {@link Positioned#positions} of a value held in an array. */
    public static int[] firstPositions(int size) {
        int[] all = new int[size];
        java.util.Arrays.setAll(all, i -> i);
        return all;
    }

    /** The first index {@code i < size} where {@code elements[i]} equals {@code element}, or -1. */
    public static int indexOf(byte[][] elements, int size, byte[] element) {
        for (int i = 0; i < size; i++) {
            if (java.util.Arrays.equals(elements[i], element)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code count} distinct positions in random order, {@code 0 < count < size}. Like Redis: when most of the
     * collection is wanted it shuffles every position, otherwise it draws until it has enough distinct ones.
     */
    public static int[] distinct(Positioned c, int count, RandomGenerator random) {
        int size = c.size();
        if (count * 3L > size) {
            int[] all = c.positions();
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(size - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            return java.util.Arrays.copyOf(all, count);
        }
        Set<Integer> seen = new HashSet<>(count * 2);
        int[] out = new int[count];
        int n = 0;
        while (n < count) {
            int p = c.randomPosition(random);
            if (seen.add(p)) {
                out[n++] = p;
            }
        }
        return out;
    }
}
