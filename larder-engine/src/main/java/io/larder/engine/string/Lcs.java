package io.larder.engine.string;

import java.util.ArrayList;
import java.util.List;

/**
 * Longest common subsequence of two strings by Redis's dynamic programme, walking the table back the same way
 * so that the subsequence and the matched ranges (LCS ... IDX) come out exactly as Redis reports them.
 */
public final class Lcs {
    /** A run of consecutive matching bytes: inclusive ranges in the first and the second string. */
    public record Match(int aStart, int aEnd, int bStart, int bEnd) {
        public int length() {
            return aEnd - aStart + 1;
        }
    }

    /** The subsequence itself and its matched ranges from the end of the strings backwards. */
    public record Result(byte[] sequence, List<Match> matches) {
    }

    private final byte[] a;
    private final int aLength;
    private final byte[] b;
    private final int bLength;
    /** table[i * (bLength + 1) + j] = LCS length of a[0..i) and b[0..j). */
    private final int[] table;

    private Lcs(byte[] a, int aLength, byte[] b, int bLength) {
        this.a = a;
        this.aLength = aLength;
        this.b = b;
        this.bLength = bLength;
        this.table = new int[Math.multiplyExact(aLength + 1, bLength + 1)];
        fill();
    }

    /** Number of table cells (each 4 bytes) LCS needs for strings of these lengths. */
    public static long tableCells(int aLength, int bLength) {
        return (aLength + 1L) * (bLength + 1L);
    }

    /**
     * Builds the table for the first {@code aLength} bytes of {@code a} and {@code bLength} of {@code b}.
     *
     * @throws OutOfMemoryError or ArithmeticException when the table cannot be allocated
     */
    public static Lcs of(byte[] a, int aLength, byte[] b, int bLength) {
        return new Lcs(a, aLength, b, bLength);
    }

    public int length() {
        return at(aLength, bLength);
    }

    private int at(int i, int j) {
        return table[i * (bLength + 1) + j];
    }

    private void fill() {
        int width = bLength + 1;
        for (int i = 1; i <= aLength; i++) {
            int row = i * width;
            int previous = row - width;
            byte ai = a[i - 1];
            for (int j = 1; j <= bLength; j++) {
                if (ai == b[j - 1]) {
                    table[row + j] = table[previous + j - 1] + 1;
                } else {
                    int up = table[previous + j];
                    int left = table[row + j - 1];
                    table[row + j] = up > left ? up : left;
                }
            }
        }
    }

    /** Walks back from the end, collecting the subsequence and every maximal diagonal run of matches. */
    public Result walk() {
        int remaining = length();
        byte[] sequence = new byte[remaining];
        List<Match> matches = new ArrayList<>();
        int i = aLength;
        int j = bLength;
        int aStart = -1;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                sequence[--remaining] = a[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                i--;
                j--;
            } else {
                if (at(i - 1, j) > at(i, j - 1)) {
                    i--;
                } else {
                    j--;
                }
                if (aStart >= 0) {
                    emit = true;
                }
            }
            if (emit) {
                matches.add(new Match(aStart, aEnd, bStart, bEnd));
                aStart = -1;
            }
        }
        return new Result(sequence, matches);
    }
}
