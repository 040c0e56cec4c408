package io.larder.node.propagation;

/**
 * A consumer of the node's propagated writes (the append-only file, the replication backlog). Called with the
 * propagation lock held, in the order the writes happened; must only buffer, never wait for I/O.
 */
public interface CommandLog {
    /**
     * Takes one unit of propagated commands in RESP (a command, or MULTI ... EXEC); returns the position that
     * must become durable before a client may be told of this write, or 0 when nothing has to be waited for.
     */
    long append(byte[] resp, int length);

    /**
     * Runs {@code action} once everything up to {@code position} is durable; false (action not run) when it
     * already is.
     */
    boolean whenDurable(long position, Runnable action);

    /**
     * Whether everything up to {@code position} is durable, without waiting. A log whose positions nothing waits
     * for (its {@link #whenDurable} always answers false) keeps this default.
     */
    default boolean isDurable(long position) {
        return true;
    }

    /**
     * An event loop about to send replies it holds: makes everything up to {@code position} durable on the calling
     * thread if it can (the log then need not wake a thread of its own and wait for it), and says whether it now
     * is; when not, {@link #whenDurable} tells when.
     */
    default boolean makeDurable(long position) {
        return isDurable(position);
    }
}
