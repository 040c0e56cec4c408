package io.larder.node.replication.replica;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The replication ids and offset of a node without a backlog or sub-replicas: enough for PSYNC and INFO until
 * the primary side's replication state takes over {@link ReplicationSink}.
 */
public final class LocalReplicationState implements ReplicationSink {
    private static final String NO_ID = "0".repeat(40);

    private volatile String replId;
    private volatile String replId2 = NO_ID;
    private volatile long secondOffset = -1;
    private volatile long offset;

    public LocalReplicationState(String replId) {
        this.replId = replId;
    }

    @Override
    public String replId() { return replId; }

    public String replId2() { return replId2; }

    public long secondOffset() { return secondOffset; }

    @Override
    public long offset() { return offset; }

    @Override
    public synchronized void becomeReplicaOf(String replId, long offset) {
        this.replId = replId;
        this.replId2 = NO_ID;
        this.secondOffset = -1;
        this.offset = offset;
    }

    @Override
    public synchronized void adoptReplId(String replId) {
        this.replId2 = this.replId;
        this.secondOffset = offset + 1;
        this.replId = replId;
    }

    @Override
    public synchronized void feedVerbatim(byte[] buf, int off, int len) {
        offset += len;
    }

    @Override
    public synchronized void shiftReplIds() {
        replId2 = replId;
        secondOffset = offset + 1;
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        replId = HexFormat.of().formatHex(id);
    }
}
