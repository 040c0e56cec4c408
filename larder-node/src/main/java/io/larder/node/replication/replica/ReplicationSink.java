package io.larder.node.replication.replica;

/**
 * What the replica side needs from the node's own replication state (replication ids, the offset of its
 * backlog, its sub-replicas). The primary side's {@code Replication} implements it once the two halves meet;
 * until then {@link LocalReplicationState} stands in.
 */
public interface ReplicationSink {
    /** The node's current replication id (master_replid). */
    String replId();

    /** The node's replication offset (master_repl_offset): the end of what it holds of its history. */
    long offset();

    /**
     * A full resynchronisation loaded the primary's snapshot: the node's history becomes the primary's, from
     * {@code offset}; the secondary id is cleared and sub-replicas must resynchronise.
     */
    void becomeReplicaOf(String replId, long offset);

    /**
     * The primary answered +CONTINUE with another id (it was promoted, or we follow another primary with a shared
     * history): the current id becomes the secondary one, valid up to offset()+1, and {@code replId} the current.
     * Sub-replicas must reconnect to learn it.
     */
    void adoptReplId(String replId);

    /** Stream bytes applied from the primary, as received: into the backlog and on to sub-replicas. */
    void feedVerbatim(byte[] buf, int off, int len);

    /** The node stops being a replica (REPLICAOF NO ONE): a new id, the old one kept as the secondary. */
    void shiftReplIds();
}
