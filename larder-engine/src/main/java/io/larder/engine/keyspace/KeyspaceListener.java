package io.larder.engine.keyspace;

/** Told of keys the engine removes on its own, so that notifications, replication and AOF can follow. */
public interface KeyspaceListener {
    KeyspaceListener NONE = (db, key) -> { };

    /** A key was found expired and deleted, lazily or by the active cycle; the stripe lock is held. */
    void expired(Db db, byte[] key);
}
