package io.larder.engine.list;

import io.larder.engine.util.Numbers;

import java.util.Arrays;

/**
 * A list value, shaped as Redis 7.2's: a small list is one "listpack" (here one chunk of elements whose listpack
 * size in bytes is tracked), and past {@code list-max-listpack-size} it becomes a "quicklist", a deque of such
 * chunks, each filled up to the same limit. Both ends are O(1); index access walks chunks from the nearer end.
 * <p>
 * Conversions happen where Redis 7.2 makes them, so OBJECT ENCODING agrees: {@link #growing} before elements are
 * added (the listpack plus the new elements' lengths past the limit) and {@link #shrunk} after elements are
 * removed (a quicklist of one chunk at most half the limit). {@code fill} is list-max-listpack-size: negative
 * values are byte limits (-1 = 4 KB ... -5 = 64 KB), positive ones element counts.
 * <p>
 * Not thread-safe: the caller holds the key's stripe. Element arrays are kept, never copied.
 */
public final class ListValue {
    private static final int[] SIZE_LIMITS = {4096, 8192, 16384, 32768, 65536};
    /** With a count limit a chunk still stays below this many bytes, as Redis's SIZE_SAFETY_LIMIT. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** Redis's overestimate of one entry's overhead when deciding whether it fits a chunk. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** Listpack header and end marker. */
    private static final int EMPTY_LISTPACK_BYTES = 7;

    private final Ring<Chunk> chunks;
    private long size;
    private boolean quicklist;

    /** Visits elements in order; false stops. */
    @FunctionalInterface
    public interface ElementVisitor {
        boolean visit(byte[] element);
    }

    /** One listpack: elements and their encoded size. */
    private static final class Chunk {
        final Ring<byte[]> items;
        long bytes = EMPTY_LISTPACK_BYTES;

        Chunk(Ring<byte[]> items) {
            this.items = items;
        }

        Chunk() {
            this(new Ring<>(8));
        }

        int count() {
            return items.size();
        }

        void recount() {
            bytes = EMPTY_LISTPACK_BYTES;
            for (int i = 0; i < items.size(); i++) {
                bytes += entrySize(items.get(i));
            }
        }
    }

    public ListValue() {
        chunks = new Ring<>(2);
        chunks.addLast(new Chunk());
    }

    private ListValue(Ring<Chunk> chunks, long size, boolean quicklist) {
        this.chunks = chunks;
        this.size = size;
        this.quicklist = quicklist;
    }

    public long size() {
        return size;
    }

    /** OBJECT ENCODING's name for the current representation. */
    public String encoding() {
        return quicklist ? "quicklist" : "listpack";
    }

    /** An independent list with the same elements (element arrays are immutable and shared), for COPY. */
    public ListValue copy() {
        Ring<Chunk> c = new Ring<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk from = chunks.get(i);
            Chunk to = new Chunk(from.items.copy());
            to.bytes = from.bytes;
            c.addLast(to);
        }
        return new ListValue(c, size, quicklist);
    }

    /**
     * Before adding {@code elements[from..to)}: a listpack that would pass the limit becomes a quicklist (Redis's
     * listTypeTryConversionAppend, which counts the raw lengths of the new elements).
     */
    public void growing(byte[][] elements, int from, int to, int fill) {
        if (quicklist) {
            return;
        }
        long addBytes = 0;
        for (int i = from; i < to; i++) {
            addBytes += elements[i].length;
        }
        Chunk only = chunks.first();
        if (exceedsLimit(fill, only.bytes + addBytes, only.count() + (long) (to - from))) {
            quicklist = true;
        }
    }

    /** {@link #growing(byte[][], int, int, int)} for one element. */
    public void growing(byte[] element, int fill) {
        if (!quicklist) {
            Chunk only = chunks.first();
            quicklist = exceedsLimit(fill, only.bytes + element.length, only.count() + 1L);
        }
    }

    /** After removing elements: a quicklist down to one chunk of at most half the limit becomes a listpack again. */
    public void shrunk(int fill) {
        if (!quicklist || chunks.size() != 1) {
            return;
        }
        Chunk only = chunks.first();
        long sizeLimit = fill >= 0 ? Long.MAX_VALUE : sizeLimit(fill) / 2;
        long countLimit = fill >= 0 ? countLimit(fill) / 2 : Long.MAX_VALUE;
        if (only.bytes <= sizeLimit && only.count() <= countLimit) {
            quicklist = false;
        }
    }

    public void pushFirst(byte[] element, int fill) {
        Chunk head = chunks.first();
        if (quicklist && head.count() > 0 && !allowsInsert(head, fill, element)) {
            head = new Chunk();
            chunks.addFirst(head);
        }
        head.items.addFirst(element);
        head.bytes += entrySize(element);
        size++;
    }

    public void pushLast(byte[] element, int fill) {
        Chunk tail = chunks.last();
        if (quicklist && tail.count() > 0 && !allowsInsert(tail, fill, element)) {
            tail = new Chunk();
            chunks.addLast(tail);
        }
        tail.items.addLast(element);
        tail.bytes += entrySize(element);
        size++;
    }

    /** Removes and returns the first element; the list must not be empty. */
    public byte[] popFirst() {
        Chunk head = chunks.first();
        byte[] e = head.items.removeFirst();
        head.bytes -= entrySize(e);
        size--;
        if (head.count() == 0 && chunks.size() > 1) {
            chunks.removeFirst();
        }
        return e;
    }

    /** Removes and returns the last element; the list must not be empty. */
    public byte[] popLast() {
        Chunk tail = chunks.last();
        byte[] e = tail.items.removeLast();
        tail.bytes -= entrySize(e);
        size--;
        if (tail.count() == 0 && chunks.size() > 1) {
            chunks.removeLast();
        }
        return e;
    }

    /** The element at {@code index} (0-based, within the list). */
    public byte[] get(long index) {
        long at = locate(index);
        return chunks.get((int) (at >>> 32)).items.get((int) at);
    }

    /** Replaces the element at {@code index} (within the list). */
    public void set(long index, byte[] element, int fill) {
        long at = locate(index);
        int c = (int) (at >>> 32);
        int offset = (int) at;
        Chunk chunk = chunks.get(c);
        byte[] old = chunk.items.set(offset, element);
        chunk.bytes += entrySize(element) - entrySize(old);
        if (quicklist && chunk.count() > 1 && exceedsLimit(fill, chunk.bytes, chunk.count())) {
            // Redis inserts the new entry and deletes the old one: the element gets a chunk of its own.
            splitAround(c, offset);
        }
    }

    /** Inserts {@code element} before position {@code index} (0..size). */
    public void insert(long index, byte[] element, int fill) {
        if (index == 0) {
            pushFirst(element, fill);
            return;
        }
        if (index == size) {
            pushLast(element, fill);
            return;
        }
        long at = locate(index);
        int c = (int) (at >>> 32);
        int offset = (int) at;
        Chunk chunk = chunks.get(c);
        if (quicklist && !allowsInsert(chunk, fill, element)) {
            Chunk prev = offset == 0 && c > 0 ? chunks.get(c - 1) : null;
            if (prev != null && allowsInsert(prev, fill, element)) {
                prev.items.addLast(element);
                prev.bytes += entrySize(element);
                size++;
                return;
            }
            if (offset > 0) {
                Chunk right = new Chunk(chunk.items.splitOff(offset));
                chunk.recount();
                right.recount();
                chunks.insert(c + 1, right);
            }
            Chunk own = new Chunk();
            own.items.addLast(element);
            own.bytes += entrySize(element);
            chunks.insert(offset > 0 ? c + 1 : c, own);
            size++;
            return;
        }
        chunk.items.insert(offset, element);
        chunk.bytes += entrySize(element);
        size++;
    }

    /** Removes the element at {@code index} (within the list). */
    public byte[] remove(long index) {
        long at = locate(index);
        int c = (int) (at >>> 32);
        Chunk chunk = chunks.get(c);
        byte[] e = chunk.items.remove((int) at);
        chunk.bytes -= entrySize(e);
        size--;
        dropIfEmpty(c);
        return e;
    }

    /** Removes the first {@code n} elements (n at most the size). */
    public void removeFirst(long n) {
        while (n > 0) {
            Chunk head = chunks.first();
            if (head.count() <= n && chunks.size() > 1) {
                n -= head.count();
                size -= head.count();
                chunks.removeFirst();
                continue;
            }
            popFirst();
            n--;
        }
    }

    /** Removes the last {@code n} elements (n at most the size). */
    public void removeLast(long n) {
        while (n > 0) {
            Chunk tail = chunks.last();
            if (tail.count() <= n && chunks.size() > 1) {
                n -= tail.count();
                size -= tail.count();
                chunks.removeLast();
                continue;
            }
            popLast();
            n--;
        }
    }

    /**
     * LREM: removes elements equal to {@code element}, at most {@code count} from the head ({@code count > 0}), at
     * most {@code -count} from the tail ({@code count < 0}) or all ({@code 0}); returns how many.
     */
    public long removeMatching(byte[] element, long count) {
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        long removed = 0;
        if (count >= 0) {
            for (int c = 0; c < chunks.size() && removed < limit; c++) {
                Chunk chunk = chunks.get(c);
                for (int i = 0; i < chunk.count() && removed < limit; ) {
                    if (Arrays.equals(chunk.items.get(i), element)) {
                        chunk.bytes -= entrySize(chunk.items.remove(i));
                        removed++;
                    } else {
                        i++;
                    }
                }
                if (dropIfEmpty(c)) {
                    c--;
                }
            }
        } else {
            for (int c = chunks.size() - 1; c >= 0 && removed < limit; c--) {
                Chunk chunk = chunks.get(c);
                for (int i = chunk.count() - 1; i >= 0 && removed < limit; i--) {
                    if (Arrays.equals(chunk.items.get(i), element)) {
                        chunk.bytes -= entrySize(chunk.items.remove(i));
                        removed++;
                    }
                }
                dropIfEmpty(c);
            }
        }
        size -= removed;
        return removed;
    }

    /** The index of the first element equal to {@code element}, or -1. */
    public long indexOf(byte[] element) {
        long index = 0;
        for (int c = 0; c < chunks.size(); c++) {
            Ring<byte[]> items = chunks.get(c).items;
            for (int i = 0, n = items.size(); i < n; i++, index++) {
                if (Arrays.equals(items.get(i), element)) {
                    return index;
                }
            }
        }
        return -1;
    }

    /** Visits elements from {@code from} towards the tail, or towards the head when {@code reverse}. */
    public void forEach(long from, boolean reverse, ElementVisitor visitor) {
        if (size == 0) {
            return;
        }
        long at = locate(from);
        int c = (int) (at >>> 32);
        int i = (int) at;
        if (!reverse) {
            for (; c < chunks.size(); c++, i = 0) {
                Ring<byte[]> items = chunks.get(c).items;
                for (int n = items.size(); i < n; i++) {
                    if (!visitor.visit(items.get(i))) {
                        return;
                    }
                }
            }
        } else {
            while (true) {
                Ring<byte[]> items = chunks.get(c).items;
                for (; i >= 0; i--) {
                    if (!visitor.visit(items.get(i))) {
                        return;
                    }
                }
                if (--c < 0) {
                    return;
                }
                i = chunks.get(c).count() - 1;
            }
        }
    }

    /** Chunk index in the high half, offset in the low half; walks from the nearer end. */
    private long locate(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        if (index < size / 2) {
            for (int c = 0; ; c++) {
                int n = chunks.get(c).count();
                if (index < n) {
                    return ((long) c << 32) | index;
                }
                index -= n;
            }
        }
        long fromTail = size - 1 - index;
        for (int c = chunks.size() - 1; ; c--) {
            int n = chunks.get(c).count();
            if (fromTail < n) {
                return ((long) c << 32) | (n - 1 - fromTail);
            }
            fromTail -= n;
        }
    }

    private boolean dropIfEmpty(int c) {
        if (chunks.get(c).count() == 0 && chunks.size() > 1) {
            chunks.remove(c);
            return true;
        }
        return false;
    }

    /** Gives the element at {@code offset} of chunk {@code c} a chunk of its own. */
    private void splitAround(int c, int offset) {
        Chunk chunk = chunks.get(c);
        Ring<byte[]> rest = chunk.items.splitOff(offset);
        Chunk own = new Chunk();
        own.items.addLast(rest.removeFirst());
        own.recount();
        chunk.recount();
        int at = c + 1;
        if (chunk.count() == 0) {
            chunks.set(c, own);
        } else {
            chunks.insert(at++, own);
        }
        if (rest.size() > 0) {
            Chunk right = new Chunk(rest);
            right.recount();
            chunks.insert(at, right);
        }
    }

    private static boolean allowsInsert(Chunk chunk, int fill, byte[] element) {
        return !exceedsLimit(fill, chunk.bytes + element.length + SIZE_ESTIMATE_OVERHEAD, chunk.count() + 1L);
    }

    private static boolean exceedsLimit(int fill, long bytes, long count) {
        if (fill < 0) {
            return bytes > sizeLimit(fill);
        }
        return bytes > SIZE_SAFETY_LIMIT || count > countLimit(fill);
    }

    private static long sizeLimit(int fill) {
        return SIZE_LIMITS[(int) Math.min(-(long) fill - 1, SIZE_LIMITS.length - 1)];
    }

    private static long countLimit(int fill) {
        return fill == 0 ? 1 : fill;
    }

    /** Bytes one element takes in a listpack: integers in 1 to 9 bytes, strings after a 1, 2 or 5 byte header. */
    static int entrySize(byte[] e) {
        int encoded;
        if (e.length > 0 && e.length <= 20 && isIntegerCandidate(e)) {
            encoded = integerSize(e);
        } else {
            int n = e.length;
            encoded = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
        }
        int backlen = encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3 : encoded < 268435455 ? 4 : 5;
        return encoded + backlen;
    }

    private static boolean isIntegerCandidate(byte[] e) {
        byte b = e[0];
        return b == '-' || (b >= '0' && b <= '9');
    }

    private static int integerSize(byte[] e) {
        long v;
        try {
            v = Numbers.parseLong(e);
        } catch (Numbers.NotANumber x) {
            int n = e.length;
            return n < 64 ? 1 + n : 2 + n;
        }
        if (v >= 0 && v <= 127) {
            return 1;
        }
        if (v >= -4096 && v <= 4095) {
            return 2;
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 3;
        }
        if (v >= -(1 << 23) && v < (1 << 23)) {
            return 4;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 5;
        }
        return 9;
    }
}
