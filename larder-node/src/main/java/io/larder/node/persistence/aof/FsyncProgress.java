package io.larder.node.persistence.aof;

import java.util.function.LongSupplier;

/**
 * How much of the AOF is known to be on disk, for WAITAOF: the {@link AppendOnlyFile} position (bytes ever
 * accepted) covered by the last completed fsync, and a tag read just before the fsynced bytes were taken from
 * the buffer. A replica tags with the primary's stream offset it applied, which it reports in
 * {@code REPLCONF ACK ... FACK}: everything that offset counts was accepted before the bytes were taken, so it is
 * on disk once that fsync completes.
 * <p>
 * While appendonly is being turned on the incremental file has no base yet: progress is held back (Redis does
 * not move fsynced_reploff during AOF_WAIT_REWRITE) and published when that rewrite ends.
 */
public final class FsyncProgress {
    /** A tag as read before a batch, with the tag history it belongs to. */
    record Tag(long value, long history) {
    }

    private volatile LongSupplier tagSource = () -> 0;
    private volatile Runnable listener = () -> { };
    private volatile long position;
    private volatile long tag = -1;
    /** Guarded by this. */
    private long pendingPosition;
    private long pendingTag = -1;
    private long history;
    private boolean held;

    /** Sets the tag read before each batch and the listener told of progress and of the AOF turning off. */
    public void watch(LongSupplier tagSource, Runnable listener) {
        this.tagSource = tagSource;
        this.listener = listener;
    }

    /** The AOF position the last completed fsync covers. */
    public long position() { return position; }

    /** The tag of that fsync; -1 when none was read since the tags began a new history. */
    public long tag() { return tag; }

    /**
     * The tags start again (a replica loaded another primary's data set): tags read before are not comparable
     * with those read from now on, so none is reported until an fsync whose tag was read after this.
     */
    public synchronized void newTagHistory() {
        history++;
        pendingTag = -1;
        tag = -1;
    }

    synchronized Tag readTag() {
        return new Tag(tagSource.getAsLong(), history);
    }

    void fsynced(long upTo, Tag before) {
        synchronized (this) {
            if (upTo >= pendingPosition) {
                pendingPosition = upTo;
                if (before.history() == history) {
                    pendingTag = before.value();
                }
            }
            if (held) {
                return;
            }
            publish();
        }
        listener.run();
    }

    /**
     * Nothing was written since the last fsync was started: once that fsync has completed everything up to
     * {@code upTo} is on disk, and so is what a tag read before {@code upTo} was taken counts (the tag may have
     * moved since that fsync's own tag was read: by units applied after their bytes were taken, or that wrote
     * nothing).
     */
    void covered(long upTo, Tag before) {
        synchronized (this) {
            if (pendingPosition < upTo || before.history() != history || before.value() <= pendingTag) {
                return;
            }
            pendingTag = before.value();
            if (held) {
                return;
            }
            publish();
        }
        listener.run();
    }

    synchronized void hold() {
        held = true;
    }

    void release() {
        synchronized (this) {
            held = false;
            publish();
        }
        listener.run();
    }

    /** appendonly was turned off: waiters for a local fsync are answered with an error. */
    void stopped() {
        listener.run();
    }

    private void publish() {
        tag = pendingTag;
        position = pendingPosition;
    }
}
