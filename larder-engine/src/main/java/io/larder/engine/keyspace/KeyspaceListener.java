package io.larder.engine.keyspace;

/**
 * Told of changes to the keyspace, so that WATCH (and later keyspace notifications, client tracking,
 * replication and AOF) can follow. Every method runs on the thread that made the change, which holds the
 * stripe of the key concerned (every stripe for the whole-database events).
 */
public interface KeyspaceListener {
    KeyspaceListener NONE = new KeyspaceListener() { };

    /** A listener that tells {@code first}, then {@code second}, of every change. */
    static KeyspaceListener both(KeyspaceListener first, KeyspaceListener second) {
        return new KeyspaceListener() {
            @Override
            public void expired(Db db, byte[] key) {
                first.expired(db, key);
                second.expired(db, key);
            }

            @Override
            public void created(Db db, byte[] key) {
                first.created(db, key);
                second.created(db, key);
            }

            @Override
            public void modified(Db db, byte[] key) {
                first.modified(db, key);
                second.modified(db, key);
            }

            @Override
            public void flushing(Db db) {
                first.flushing(db);
                second.flushing(db);
            }

            @Override
            public void swapping(Db db, Db replacedWith) {
                first.swapping(db, replacedWith);
                second.swapping(db, replacedWith);
            }
        };
    }

    /** A key was found expired and deleted, lazily or by the active cycle. */
    default void expired(Db db, byte[] key) {
    }

    /** A key that did not exist was added (Redis's dbAdd): every creation, whatever wrote it. */
    default void created(Db db, byte[] key) {
    }

    /**
     * A command changed the key (Redis's signalModifiedKey): its value, its TTL, or whether it exists. Called
     * through {@link Db#signalModified}, and only while {@link Keyspace#wantsModifications()} says so.
     */
    default void modified(Db db, byte[] key) {
    }

    /** The database is about to be emptied (FLUSHDB, FLUSHALL); its keys are still there. */
    default void flushing(Db db) {
    }

    /** The two databases are about to swap contents (SWAPDB); called once with each as {@code db}. */
    default void swapping(Db db, Db replacedWith) {
    }
}
