package io.larder.node.replication;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.persistence.Persistence;
import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.server.Node;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;

/**
 * The replication history in RDB files, as Redis keeps it (rdbPopulateSaveInfo, and the restore in
 * loadDataFromDisk): a save records the replication id, the offset its data reflects and the database the
 * stream has selected; a node started from such a file continues that history.
 * <ul>
 * <li>A replica records its primary's history (while it follows one, linked or not) and, restarted with
 * {@code replicaof}, asks {@code PSYNC <id> <offset+1>}: the primary continues it from its backlog.</li>
 * <li>A primary records its own while it has a backlog and, restarted without {@code replicaof}, keeps it as its
 * secondary id (a new id begins) with the backlog starting at that offset, so its replicas continue too.</li>
 * </ul>
 * Keys that had expired when the file was saved are kept by the load: a replica's primary deletes them, and a
 * primary's expiry deletes them into the restored stream (Redis deletes them while loading, into its backlog).
 */
final class SavedHistory implements Persistence.ReplicationRecord {
    private final Node node;
    private final Replication replication;
    private final Keyspace keyspace;

    SavedHistory(Node node, Replication replication) {
        this.node = node;
        this.replication = replication;
        this.keyspace = node.keyspace();
    }

    @Override
    public Map<String, byte[]> snapshotPoint(BooleanSupplier begin) {
        if (!records()) {
            return begin.getAsBoolean() ? Map.of() : null;
        }
        // As a sub-replica's full sync: no applied unit of the primary's stream may be half counted. A save made
        // inside a transaction may hold stripes the applier waits for: after a while it records nothing instead.
        Lock cut = replication.cutLock();
        boolean locked;
        try {
            locked = cut.tryLock(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            return begin.getAsBoolean() ? Map.of() : null;
        }
        try {
            keyspace.lockAll();
            try {
                return begin.getAsBoolean() ? fields() : null;
            } finally {
                keyspace.unlockAll();
            }
        } finally {
            cut.unlock();
        }
    }

    /** Redis records a replica's primary (or cached primary), or a primary's history while it has a backlog. */
    private boolean records() {
        ReplicaLink link = node.replicaLink();
        return link.active() ? link.hasHistory() : replication.hasBacklog();
    }

    /** Under every stripe and the cut lock: the history as of this point. */
    private Map<String, byte[]> fields() {
        ReplicaLink link = node.replicaLink();
        Map<String, byte[]> aux = new LinkedHashMap<>();
        if (link.active()) {
            if (!link.hasHistory()) {
                return aux;
            }
            aux.put("repl-stream-db", ascii(Integer.toString(link.streamDb())));
            aux.put("repl-id", ascii(link.primaryReplId()));
            aux.put("repl-offset", ascii(Long.toString(link.appliedOffset())));
        } else {
            if (!replication.hasBacklog()) {
                return aux;
            }
            int db = node.propagation().selectedDb();
            aux.put("repl-stream-db", ascii(Integer.toString(Math.max(db, 0))));
            aux.put("repl-id", ascii(replication.replId()));
            aux.put("repl-offset", ascii(Long.toString(replication.offset())));
        }
        return aux;
    }

    @Override
    public void loaded(Persistence.History history) {
        if (!node.config().find("replicaof").text().isEmpty()) {
            node.replicaLink().restoreHistory(history);
        } else {
            replication.restoreAsPrimary(history.replId(), history.offset());
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
