package io.larder.node.replication.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshot a primary sends on a full resynchronisation: "$len" and that many bytes, or (diskless primaries)
 * "$EOF:" with a 40-character mark, the data, and the mark again. Disk-style it goes to a temporary file in
 * {@code dir}, written on the sync thread so that the event loop never waits for the disk; with
 * repl-diskless-load it stays in memory. Event-loop methods and sync-thread methods are marked as such.
 */
final class RdbTransfer {
    static final int MARK_LENGTH = 40;
    /** Writes queued beyond this pause reading from the primary until the disk catches up. */
    private static final long HIGH_WATER = 16L << 20;
    private static final long LOW_WATER = 4L << 20;

    private final long size;
    private final byte[] mark;
    private final Executor syncThread;
    private final Path file;
    private final List<ByteBuf> chunks = new ArrayList<>();
    private final AtomicLong queued = new AtomicLong();
    private FileChannel channel;
    private volatile IOException failure;
    private volatile Runnable onDrained;
    private long received;
    private byte[] tail = new byte[0];
    private boolean complete;

    private RdbTransfer(long size, byte[] mark, Executor syncThread, Path file) {
        this.size = size;
        this.mark = mark;
        this.syncThread = syncThread;
        this.file = file;
    }

    /** A payload of {@code size} bytes ("$size"). {@code file} null keeps it in memory. */
    static RdbTransfer sized(long size, Executor syncThread, Path file) {
        return new RdbTransfer(size, null, syncThread, file);
    }

    /** A payload ended by {@code mark} ("$EOF:mark"). */
    static RdbTransfer delimited(byte[] mark, Executor syncThread, Path file) {
        return new RdbTransfer(-1, mark, syncThread, file);
    }

    /** The announced size, -1 for a delimited payload (INFO's master_sync_total_bytes). */
    long size() { return size; }

    /** Bytes received so far, the end mark included. */
    long received() { return received; }

    /** Event loop: takes the payload's bytes from {@code in}; true once the whole payload arrived. */
    boolean take(ByteBuf in) throws IOException {
        if (failure != null) {
            throw new IOException("Write error or short write writing to the DB dump file needed for MASTER <-> "
                    + "REPLICA synchronization: " + failure.getMessage(), failure);
        }
        if (mark == null) {
            int n = (int) Math.min(in.readableBytes(), size - received);
            received += n;
            store(in.readRetainedSlice(n));
            complete = received == size;
        } else {
            takeDelimited(in);
        }
        return complete;
    }

    /** The last 40 bytes are held back until more arrive: they may be the end mark. */
    private void takeDelimited(ByteBuf in) {
        int n = in.readableBytes();
        received += n;
        int emit = Math.max(0, tail.length + n - MARK_LENGTH);
        int fromTail = Math.min(emit, tail.length);
        if (fromTail > 0) {
            store(Unpooled.wrappedBuffer(Arrays.copyOf(tail, fromTail)));
        }
        if (emit > fromTail) {
            store(in.readRetainedSlice(emit - fromTail));
        }
        byte[] next = new byte[tail.length - fromTail + in.readableBytes()];
        System.arraycopy(tail, fromTail, next, 0, tail.length - fromTail);
        in.readBytes(next, tail.length - fromTail, in.readableBytes());
        tail = next;
        complete = Arrays.equals(tail, mark);
    }

    private void store(ByteBuf data) {
        if (file == null) {
            chunks.add(data);
            return;
        }
        queued.addAndGet(data.readableBytes());
        syncThread.execute(() -> write(data));
    }

    /** Event loop: whether reading must pause until {@code resume} runs (on the sync thread). */
    boolean throttle(Runnable resume) {
        if (file == null || queued.get() < HIGH_WATER) {
            return false;
        }
        onDrained = resume;
        if (queued.get() < LOW_WATER) { // drained meanwhile
            onDrained = null;
            return false;
        }
        return true;
    }

    /** Sync thread. */
    private void write(ByteBuf data) {
        int n = data.readableBytes();
        try {
            if (failure == null) {
                if (channel == null) {
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                }
                while (data.isReadable()) {
                    data.readBytes(channel, data.readableBytes());
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            long left = queued.addAndGet(-n);
            data.release();
            Runnable r = onDrained;
            if (r != null && left < LOW_WATER) {
                onDrained = null;
                r.run();
            }
        }
    }

    /** Sync thread, after the last write: the payload to load. */
    InputStream open() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (file == null) {
            CompositeByteBuf all = Unpooled.compositeBuffer(Math.max(2, chunks.size()));
            all.addComponents(true, chunks);
            chunks.clear();
            return new ByteBufInputStream(all, true);
        }
        if (channel != null) {
            channel.force(true);
            channel.close();
            channel = null;
        } else {
            Files.write(file, new byte[0]);
        }
        return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The file the payload was written to, null in memory. */
    Path file() { return file; }

    /** Sync thread: drops what was received (a transfer cut short). */
    void discard() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary file left behind is harmless; the next transfer uses another name
        }
    }
}
