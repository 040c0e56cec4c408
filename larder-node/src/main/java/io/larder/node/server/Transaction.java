package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.node.command.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection's MULTI/WATCH state: whether a MULTI is open, the commands queued since, whether one of them
 * was refused (EXEC then aborts with EXECABORT), and the watched keys with their dirty flag. Touched by the
 * connection's event loop, except {@link #markDirty()}, which writers on any thread call.
 */
public final class Transaction {
    /** A command accepted into the queue, checked already (existence, arity, authentication). */
    record Queued(CommandSpec spec, byte[][] args) {
    }

    private final Watches registry;
    private final List<Queued> queued = new ArrayList<>();
    private final List<Watches.Watch> watches = new ArrayList<>();
    private boolean open;
    private boolean refusedCommand;
    private boolean executing;
    private boolean queuedWrites;
    private volatile boolean dirty;

    Transaction(Watches registry) {
        this.registry = registry;
    }

    /** MULTI was called and neither EXEC nor DISCARD yet. */
    public boolean open() { return open; }

    /** The queued commands are running inside EXEC: blocking commands must not block (Redis's DENY_BLOCKING). */
    public boolean executing() { return executing; }

    /** Queued commands so far, or -1 outside MULTI (CLIENT LIST multi=). */
    public int queuedCount() { return open ? queued.size() : -1; }

    /** Keys watched (CLIENT LIST watch=). */
    public int watchedCount() { return watches.size(); }

    /** A watched key was modified: EXEC will abort with a null reply. */
    public boolean dirty() { return dirty; }

    /** MULTI; the caller has checked that none is open. */
    public void begin() {
        open = true;
    }

    /** WATCH of one key; the caller holds the key's stripe (the dispatcher does, from WATCH's key positions). */
    public void watch(Db db, byte[] key) {
        registry.watch(this, db, key);
    }

    /** UNWATCH: drops the watches and with them any modification seen so far. */
    public void unwatch() {
        registry.unwatchAll(this);
        dirty = false;
    }

    /** DISCARD, and what EXEC, RESET and a disconnect end with: no MULTI, no queue, no watches. */
    public void discard() {
        open = false;
        refusedCommand = false;
        queuedWrites = false;
        queued.clear();
        unwatch();
    }

    void queue(CommandSpec spec, byte[][] args) {
        // Once EXEC is bound to fail nothing more is kept, as Redis's queueMultiCommand.
        if (!refusedCommand && !dirty) {
            queued.add(new Queued(spec, args));
            queuedWrites |= spec.hasFlag("write") || spec.hasFlag("may_replicate");
        }
    }

    /** A command was refused while queuing: EXEC will answer EXECABORT. */
    void refuseIfOpen() {
        if (open) {
            refusedCommand = true;
        }
    }

    boolean refusedCommand() { return refusedCommand; }

    /** A queued command may write: CLIENT PAUSE WRITE holds the EXEC back, as Redis does. */
    boolean queuedWrites() { return queuedWrites; }

    List<Queued> queued() { return queued; }

    List<Watches.Watch> watches() { return watches; }

    void markDirty() {
        dirty = true;
    }

    void executing(boolean on) {
        executing = on;
    }
}
