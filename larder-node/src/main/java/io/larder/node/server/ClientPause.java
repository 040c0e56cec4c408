package io.larder.node.server;

import io.larder.node.command.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT PAUSE: until the deadline, commands of ordinary clients (all of them, or only those that may write)
 * wait. A waiting client's connection is suspended with its command kept aside, and resumed on UNPAUSE or
 * when the deadline passes. A replica's stream from its primary (the master client) stops the same way at the
 * first command that must wait, as Redis's processCommand postpones the master client too.
 */
public final class ClientPause {
    public enum Mode { NONE, WRITE, ALL }

    private volatile Mode mode = Mode.NONE;
    private long endMillis;
    private final List<ClientHandler> waiting = new ArrayList<>();
    private final List<Runnable> waitingStreams = new ArrayList<>();

    public Mode mode() {
        return mode;
    }

    /** Starts or extends a pause; a longer or stronger pause wins over the current one. */
    public synchronized void pause(long untilMillis, Mode requested) {
        if (mode == Mode.NONE) {
            mode = requested;
            endMillis = untilMillis;
            return;
        }
        endMillis = Math.max(endMillis, untilMillis);
        if (requested == Mode.ALL) {
            mode = Mode.ALL;
        }
    }

    /** Ends the pause if its deadline has passed; returns the remaining milliseconds otherwise. */
    public long expireIfDue(long now) {
        synchronized (this) {
            if (mode == Mode.NONE) {
                return 0;
            }
            if (now < endMillis) {
                return endMillis - now;
            }
        }
        unpause();
        return 0;
    }

    public void unpause() {
        List<ClientHandler> released;
        List<Runnable> streams;
        synchronized (this) {
            mode = Mode.NONE;
            released = new ArrayList<>(waiting);
            waiting.clear();
            streams = new ArrayList<>(waitingStreams);
            waitingStreams.clear();
        }
        released.forEach(ClientHandler::resume);
        streams.forEach(Runnable::run);
    }

    /** True when this command must wait; monitors (like replicas in Redis) are never paused. */
    boolean mustWait(Client client, CommandSpec spec) {
        Mode m = mode;
        if (m == Mode.NONE || client.monitor() || client.master() || client.node().replication().isReplica(client)) {
            return false;
        }
        return waits(m, client, spec);
    }

    private static boolean waits(Mode m, Client client, CommandSpec spec) {
        return m == Mode.ALL || spec.hasFlag("write") || spec.hasFlag("may_replicate")
                || spec.name().equals("exec") && client.transaction().queuedWrites();
    }

    /** Whether the primary's stream must stop before this command (null: a command this node does not know). */
    public boolean holdsStream(Client master, CommandSpec spec) {
        Mode m = mode;
        return m != Mode.NONE && (spec == null ? m == Mode.ALL : waits(m, master, spec));
    }

    /** Parks a held stream: {@code resume} runs when the pause ends; false when it already has (go on now). */
    public synchronized boolean parkStream(Runnable resume) {
        if (mode == Mode.NONE) {
            return false;
        }
        waitingStreams.add(resume);
        return true;
    }

    /** Parks the client if the pause is still on; false means run the command now. */
    synchronized boolean park(ClientHandler handler) {
        if (mode == Mode.NONE) {
            return false;
        }
        waiting.add(handler);
        return true;
    }
}
