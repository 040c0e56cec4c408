package io.larder.engine.geo;

/**
 * The two sorts Redis applies to search results, reproduced move for move because points at equal distances
 * come out in whatever order the sort leaves them: glibc's qsort (a stable merge sort) when every result is
 * returned, and Redis's pqsort (Bentley and McIlroy's quicksort from NetBSD, which skips the partitions lying
 * wholly outside the wanted ranks; Redis dropped NetBSD's switch to insertion sort after a partition without
 * swaps) when COUNT keeps only the first ones. Both permute an array of indices.
 */
final class ResultOrder {
    /** Compares the elements at two indices: negative, zero or positive. */
    @FunctionalInterface
    interface IndexComparator {
        int compare(int a, int b);
    }

    private ResultOrder() {
    }

    /** Sorts {@code order[0..n)} stably. */
    static void stableSort(int[] order, int n, IndexComparator cmp) {
        if (n < 2) {
            return;
        }
        int[] buffer = new int[n];
        mergeSort(order, buffer, 0, n, cmp);
    }

    private static void mergeSort(int[] a, int[] buffer, int from, int to, IndexComparator cmp) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, buffer, from, mid, cmp);
        mergeSort(a, buffer, mid, to, cmp);
        System.arraycopy(a, from, buffer, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            // Ties take the left element: that is what keeps the sort stable.
            a[k++] = cmp.compare(buffer[i], buffer[j]) <= 0 ? buffer[i++] : buffer[j++];
        }
        while (i < mid) {
            a[k++] = buffer[i++];
        }
        while (j < to) {
            a[k++] = buffer[j++];
        }
    }

    /**
     * Redis's pqsort over {@code order[0..n)}: afterwards positions {@code first..last} hold the elements a full
     * sort would put there, in order (the rest is partitioned around them but not sorted).
     */
    static void partialSort(int[] order, int n, IndexComparator cmp, int first, int last) {
        quicksort(order, 0, n, cmp, first, last);
    }

    private static void quicksort(int[] x, int a, int n, IndexComparator cmp, int first, int last) {
        while (true) {
            if (n < 7) {
                insertionSort(x, a, n, cmp);
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = median(x, pl, pl + d, pl + 2 * d, cmp);
                    pm = median(x, pm - d, pm, pm + d, cmp);
                    pn = median(x, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = median(x, pl, pm, pn, cmp);
            }
            swap(x, a, pm);
            // Three-way partition: elements equal to the pivot gather at both ends, then move to the middle.
            int pa = a + 1;
            int pb = pa;
            int pc = a + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(x[pb], x[a])) <= 0) {
                    if (r == 0) {
                        swap(x, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(x[pc], x[a])) >= 0) {
                    if (r == 0) {
                        swap(x, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(x, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            swapRuns(x, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            swapRuns(x, pb, pn - r, r);
            r = pb - pa;
            if (r > 1 && overlaps(a, r, first, last)) {
                quicksort(x, a, r, cmp, first, last);
            }
            r = pd - pc;
            if (r <= 1) {
                return;
            }
            a = pn - r;
            n = r;
            if (!overlaps(a, n, first, last)) {
                return;
            }
        }
    }

    /** Whether the partition {@code [start, start + length)} holds any of the wanted positions. */
    private static boolean overlaps(int start, int length, int first, int last) {
        return !(last < start || first >= start + length);
    }

    private static void insertionSort(int[] x, int a, int n, IndexComparator cmp) {
        for (int m = a + 1; m < a + n; m++) {
            for (int l = m; l > a && cmp.compare(x[l - 1], x[l]) > 0; l--) {
                swap(x, l, l - 1);
            }
        }
    }

    private static int median(int[] x, int a, int b, int c, IndexComparator cmp) {
        if (cmp.compare(x[a], x[b]) < 0) {
            return cmp.compare(x[b], x[c]) < 0 ? b : cmp.compare(x[a], x[c]) < 0 ? c : a;
        }
        return cmp.compare(x[b], x[c]) > 0 ? b : cmp.compare(x[a], x[c]) < 0 ? a : c;
    }

    private static void swap(int[] x, int i, int j) {
        int t = x[i];
        x[i] = x[j];
        x[j] = t;
    }

    /** Swaps the runs of {@code n} elements at {@code i} and {@code j}, pairwise from the front. */
    private static void swapRuns(int[] x, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(x, i + k, j + k);
        }
    }
}
