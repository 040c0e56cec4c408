package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;

/**
 * The active expire cycle: walks slots that hold keys with a TTL, one stripe lock at a time, deleting expired
 * keys until it has covered the keyspace or used its time budget. Redis samples and repeats while more than
 * 10% of a sample was expired; walking the small per-slot tables in turn gives the same adaptive behaviour
 * (more expired keys, more work per tick, bounded by the budget) without a random sample.
 */
final class ActiveExpiry {
    private final Keyspace keyspace;
    private int dbCursor;
    private int slotCursor;

    ActiveExpiry(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Runs until {@code deadlineNanos} or until every slot of every database was visited once. */
    void run(long deadlineNanos) {
        int total = keyspace.databaseCount() * HashSlot.COUNT;
        for (int visited = 0; visited < total; visited++) {
            Db db = keyspace.db(dbCursor);
            int slot = slotCursor;
            if (db.slot(slot) != null && db.slot(slot).volatileCount() > 0) {
                int stripe = Keyspace.stripeOf(slot);
                keyspace.lockStripe(stripe);
                try {
                    db.expireSlot(slot, keyspace.clock().millis());
                } finally {
                    keyspace.unlockStripe(stripe);
                }
            }
            if (++slotCursor == HashSlot.COUNT) {
                slotCursor = 0;
                dbCursor = (dbCursor + 1) % keyspace.databaseCount();
            }
            if ((visited & 255) == 255 && System.nanoTime() > deadlineNanos) {
                return;
            }
        }
    }
}
