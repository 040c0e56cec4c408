package io.larder.node.replication.replica;

/**
 * What the replica side needs from the node's own replication state (replication ids, the offset of its
 * backlog, its sub-replicas): implemented by {@code io.larder.node.replication.Replication}.
 */
public interface ReplicationSink {
    /** The node's current replication id (master_replid). */
    String replId();

    /** The node's replication offset (master_repl_offset): the end of what it holds of its history. */
    long offset();

    /**
     * The node follows a primary whose history is {@code replId} up to {@code offset} (after a full
     * resynchronisation, or its own history when it starts following one): its own writes stop feeding the
     * backlog, which from now on holds the primary's stream.
     */
    void becomeReplicaOf(String replId, long offset);

    /**
     * The primary answered +CONTINUE with another id (it was promoted, or we follow another primary with a shared
     * history): the current id becomes the secondary one, valid up to offset()+1, and {@code replId} the current.
     * Sub-replicas must reconnect to learn it.
     */
    void adoptReplId(String replId);

    /**
     * Opens a section in which the replica applies units of the primary's stream and forwards each one's bytes
     * with {@link #feedVerbatim} before the section ends: no sub-replica's snapshot point falls inside it, so every
     * applied unit reaches a sub-replica either in its RDB or in its stream, never in both or neither.
     */
    void beginApplying();

    /** Ends the section {@link #beginApplying} opened. */
    void endApplying();

    /** The bytes of applied units of the primary's stream, as received, for the backlog and sub-replicas. */
    void feedVerbatim(byte[] buf, int off, int len);

    /** Drops the sub-replicas' connections (after a full resynchronisation replaced the data set). */
    void disconnectReplicas();

    /** The node stops being a replica (REPLICAOF NO ONE): a new id, the old one kept as the secondary. */
    void shiftReplIds();
}
