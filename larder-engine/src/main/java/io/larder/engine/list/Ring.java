package io.larder.engine.list;

import java.util.Arrays;

/**
 * A growable circular array: O(1) at both ends, O(1) index access, and insertion or removal inside by shifting
 * the shorter side. Holds a list's elements within one chunk and the chunks of a list.
 */
final class Ring<T> {
    private Object[] items;
    private int head;
    private int size;

    Ring(int capacity) {
        items = new Object[Integer.highestOneBit(Math.max(2, capacity - 1)) << 1];
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    T get(int i) {
        return (T) items[(head + i) & (items.length - 1)];
    }

    @SuppressWarnings("unchecked")
    T set(int i, T value) {
        int at = (head + i) & (items.length - 1);
        T old = (T) items[at];
        items[at] = value;
        return old;
    }

    T first() {
        return get(0);
    }

    T last() {
        return get(size - 1);
    }

    void addFirst(T value) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = value;
        size++;
    }

    void addLast(T value) {
        grow();
        items[(head + size) & (items.length - 1)] = value;
        size++;
    }

    T removeFirst() {
        T v = get(0);
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return v;
    }

    T removeLast() {
        int at = (head + size - 1) & (items.length - 1);
        @SuppressWarnings("unchecked")
        T v = (T) items[at];
        items[at] = null;
        size--;
        return v;
    }

    /** Inserts before position {@code i} (i == size appends). */
    void insert(int i, T value) {
        if (i < size / 2) {
            addFirst(null);
            for (int k = 0; k < i; k++) {
                set(k, get(k + 1));
            }
        } else {
            addLast(null);
            for (int k = size - 1; k > i; k--) {
                set(k, get(k - 1));
            }
        }
        set(i, value);
    }

    T remove(int i) {
        T v = get(i);
        if (i < size / 2) {
            for (int k = i; k > 0; k--) {
                set(k, get(k - 1));
            }
            removeFirst();
        } else {
            for (int k = i; k < size - 1; k++) {
                set(k, get(k + 1));
            }
            removeLast();
        }
        return v;
    }

    /** Moves positions {@code from..size-1} into a new ring, leaving {@code 0..from-1} here. */
    Ring<T> splitOff(int from) {
        Ring<T> tail = new Ring<>(size - from);
        for (int k = from; k < size; k++) {
            tail.addLast(get(k));
        }
        while (size > from) {
            removeLast();
        }
        return tail;
    }

    Ring<T> copy() {
        Ring<T> c = new Ring<>(2);
        c.items = items.clone();
        c.head = head;
        c.size = size;
        return c;
    }

    private void grow() {
        if (size < items.length) {
            return;
        }
        Object[] bigger = new Object[items.length * 2];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, bigger, 0, firstPart);
        System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
        Arrays.fill(items, null);
        items = bigger;
        head = 0;
    }
}
