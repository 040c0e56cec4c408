package io.larder.node.replication;

/**
 * The replication stream since the backlog was created, as a chain of fixed-size blocks: the backlog and every
 * replica's output share them, as in Redis 7's shared replication buffer.
 * <p>
 * The backlog keeps the newest blocks that hold at least {@code repl-backlog-size} bytes; a replica reads the
 * stream through a {@link Cursor}, which keeps the blocks from its position on alive (the garbage collector
 * does Redis's reference counting), so a slow replica holds what it has not read yet without a copy of its
 * own. Appends take this object's lock; a block's bytes below its {@code used} mark never change again, so
 * cursors read them without the lock.
 * <p>
 * Positions are absolute byte counts of the stream (Redis's {@code master_repl_offset}); the byte at position
 * p has Redis offset p + 1.
 */
public final class ReplicationBuffer {
    static final int BLOCK_SIZE = 16 * 1024;

    static final class Block {
        final long start;
        final byte[] data;
        /** Bytes written: written after the bytes themselves, so a reader that sees it sees them. */
        volatile int used;
        /** Set once this block is full: no byte is added to it afterwards. */
        volatile Block next;

        Block(long start, int size) {
            this.start = start;
            this.data = new byte[size];
        }
    }

    private Block head;
    private Block tail;
    /** Written under the lock, read without it (every command reads it: WAIT's offset). */
    private volatile long end;
    private long limit;

    /** An empty buffer whose first byte will be stream position {@code start}. */
    public ReplicationBuffer(long start, long backlogSize) {
        this.end = start;
        this.limit = backlogSize;
        this.head = this.tail = new Block(start, BLOCK_SIZE);
    }

    /** Appends stream bytes and drops the oldest blocks the backlog no longer needs. */
    public synchronized void append(byte[] bytes, int off, int len) {
        long e = end;
        while (len > 0) {
            Block t = tail;
            int room = t.data.length - t.used;
            if (room == 0) {
                Block b = new Block(e, BLOCK_SIZE);
                t.next = b;
                tail = b;
                continue;
            }
            int n = Math.min(room, len);
            System.arraycopy(bytes, off, t.data, t.used, n);
            t.used += n;
            off += n;
            len -= n;
            e += n;
        }
        end = e;
        trim();
    }

    /** repl-backlog-size changed. */
    public synchronized void resize(long backlogSize) {
        limit = backlogSize;
        trim();
    }

    private void trim() {
        while (head.next != null && end - head.next.start >= limit) {
            head = head.next;
        }
    }

    /** master_repl_offset: the position after the last byte. */
    public long end() {
        return end;
    }

    /** The position of the oldest byte the backlog still holds. */
    public synchronized long start() {
        return head.start;
    }

    /** The stream position after the last block's room: the blocks allocated end there. */
    public synchronized long allocatedEnd() {
        return tail.start + tail.data.length;
    }

    /** A cursor at the end of the stream: it will read what is appended from now on. */
    public synchronized Cursor cursorAtEnd() {
        return new Cursor(tail, tail.used);
    }

    /** A cursor at {@code position}, or null when the backlog does not hold it (older, or in the future). */
    public synchronized Cursor cursorAt(long position) {
        if (position < head.start || position > end) {
            return null;
        }
        Block b = head;
        while (b.next != null && position >= b.next.start) {
            b = b.next;
        }
        return new Cursor(b, (int) (position - b.start));
    }

    /** A reader of the stream from some position on; used by one thread at a time. */
    public static final class Cursor {
        private Block block;
        private int pos;

        Cursor(Block block, int pos) {
            this.block = block;
            this.pos = pos;
        }

        /**
         * Where the block the cursor reads starts: it and the blocks after it stay alive. Read by other threads
         * for memory accounting only (a value a moment old will do).
         */
        public long blockStart() {
            return block.start;
        }

        /** The stream position of the next byte to read. */
        public long position() {
            return block.start + pos;
        }

        /**
         * The next readable run of bytes, at most {@code max}, given to {@code sink} without copying; false when
         * nothing is readable now.
         */
        public boolean next(int max, Sink sink) {
            while (true) {
                int used = block.used;
                if (pos < used) {
                    int n = Math.min(used - pos, max);
                    sink.accept(block.data, pos, n);
                    pos += n;
                    return true;
                }
                Block following = block.next;
                if (following == null) {
                    return false;
                }
                if (block.used == pos) { // the block was full before next was set: nothing is left in it
                    block = following;
                    pos = 0;
                }
            }
        }
    }

    /** Receives runs of stream bytes; they must not be modified. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] data, int off, int len);
    }
}
