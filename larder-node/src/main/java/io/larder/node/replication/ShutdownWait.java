package io.larder.node.replication;

import io.larder.node.server.Client;
import io.larder.node.server.ClientPause;
import io.larder.node.server.Node;
import io.larder.node.server.NodeServer;

import java.util.ArrayList;
import java.util.List;

/**
 * The shutdown sequence of Redis 7 (SHUTDOWN, SIGTERM, SIGINT): unless NOW is given or {@code shutdown-timeout}
 * is 0, a primary whose replicas have not all acknowledged the whole stream pauses writes, asks them for an ACK
 * and waits, up to shutdown-timeout seconds, before it saves and exits; SHUTDOWN ABORT cancels a waiting
 * shutdown. A save that fails keeps the node running (writes resume) unless FORCE. The clients that asked
 * wait without a reply: they see the connection close, or {@code ERR Errors trying to SHUTDOWN} when it fails
 * or is aborted.
 */
public final class ShutdownWait {
    /** SHUTDOWN's modifiers (or shutdown-on-sigterm's): {@code save} null saves when save points exist. */
    public record Flags(Boolean save, boolean now, boolean force) {
        public static final Flags DEFAULT = new Flags(null, false, false);

        /** shutdown-on-sigterm / shutdown-on-sigint: "default", or words among save, nosave, now, force. */
        public static Flags ofConfig(String words) {
            Boolean save = null;
            boolean now = false;
            boolean force = false;
            for (String w : words.trim().split("\\s+")) {
                switch (w) {
                    case "save" -> save = Boolean.TRUE;
                    case "nosave" -> save = Boolean.FALSE;
                    case "now" -> now = true;
                    case "force" -> force = true;
                    default -> { } // "default"
                }
            }
            return new Flags(save, now, force);
        }
    }

    static final String FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";

    private final Node node;
    private final Replication replication;
    /** Guarded by this: the shutdown waiting for replicas, if any, and the clients that asked for it. */
    private Flags pending;
    private long deadlineMillis;
    private boolean finishing;
    /** Whether this shutdown paused writes (only a waiting one does). */
    private boolean paused;
    private final List<Client> waiting = new ArrayList<>();

    ShutdownWait(Node node, Replication replication) {
        this.node = node;
        this.replication = replication;
    }

    /**
     * Shuts the node down (from SHUTDOWN, with its client, or a signal, with null). Returns the error to reply
     * at once (the node keeps running), or null: the client then waits for the end without a reply.
     */
    public String request(Client client, Flags flags) {
        synchronized (this) {
            if (pending != null || finishing) {
                // Already under way: this client waits for its end too, as in Redis.
                park(client);
                return null;
            }
            log("User requested shutdown...");
            long timeout = node.config().find("shutdown-timeout").asLong();
            if (!flags.now() && timeout > 0 && !replicasInSync()) {
                pending = flags;
                deadlineMillis = System.currentTimeMillis() + timeout * 1000;
                park(client);
                if (node.pause().mode() == ClientPause.Mode.NONE) {
                    replication.requestAcks();
                }
                node.pause().pause(Long.MAX_VALUE, ClientPause.Mode.WRITE);
                paused = true;
                log("Waiting for replicas before shutting down.");
                return null;
            }
            finishing = true;
        }
        return finish(flags) ? null : FAILED;
    }

    /** SHUTDOWN ABORT: false when no shutdown waits. */
    public boolean abort() {
        synchronized (this) {
            if (pending == null) {
                return false;
            }
        }
        cancel();
        log("Shutdown manually aborted.");
        return true;
    }

    /** INFO's shutdown_in_milliseconds: the time left for the replicas, or -1 when no shutdown waits. */
    public synchronized long millisLeft() {
        return pending == null ? -1 : Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    /** From the replication cron: finishes a waiting shutdown once every replica is in sync, or on its timeout. */
    void check(long now) {
        Flags flags;
        synchronized (this) {
            if (pending == null || now < deadlineMillis && !replicasInSync()) {
                return;
            }
            flags = pending;
            pending = null;
            finishing = true;
        }
        // Saving takes a while and must not stop the replication cron's heartbeats meanwhile.
        Thread t = new Thread(() -> finish(flags), "larder-shutdown-finish");
        t.setDaemon(true);
        t.start();
    }

    private void park(Client client) {
        if (client == null) {
            return;
        }
        client.handler().suspend();
        waiting.add(client);
        client.channel().closeFuture().addListener(f -> {
            synchronized (this) {
                waiting.remove(client);
            }
        });
    }

    /** Redis's isReadyToShutdown: every replica, whatever its state, acknowledged the whole stream. */
    private boolean replicasInSync() {
        long offset = replication.offset();
        for (ReplicaConnection r : replication.replicas()) {
            if (r.ackOffset != offset) {
                return false;
            }
        }
        return true;
    }

    /** Saves if due and closes the node; false (the node goes on, paused writes resume) when the save failed. */
    private boolean finish(Flags flags) {
        long offset = replication.offset();
        long now = System.currentTimeMillis();
        int replicas = 0;
        int lagging = 0;
        for (ReplicaConnection r : replication.replicas()) {
            replicas++;
            if (r.ackOffset != offset) {
                lagging++;
                long lag = r.state == ReplicaConnection.State.ONLINE ? (now - r.ackMillis) / 1000 : 0;
                log("Lagging replica " + r.ip() + ":" + r.listeningPort + " reported offset " + (offset - r.ackOffset)
                        + " behind master, lag=" + lag + ", state=" + r.state.info + ".");
            }
        }
        if (replicas > 0) {
            log((replicas - lagging) + " of " + replicas + " replicas are in sync when shutting down.");
        }
        NodeServer server = node.server();
        boolean saved = node.persistence().saveForShutdown(flags.save());
        if (server == null || !saved && !flags.force()) {
            log("Errors trying to shut down the server. Check the logs for more information.");
            cancel();
            return false;
        }
        if (!saved) {
            log("Error trying to save the DB. Exit anyway.");
        }
        // The waiting clients see their connections close.
        server.shutdown();
        return true;
    }

    /** Ends a shutdown that will not happen: the waiting clients get the error, writes resume. */
    private void cancel() {
        List<Client> told;
        boolean unpause;
        synchronized (this) {
            pending = null;
            finishing = false;
            unpause = paused;
            paused = false;
            told = new ArrayList<>(waiting);
            waiting.clear();
        }
        if (unpause) {
            node.pause().unpause();
        }
        for (Client c : told) {
            c.channel().eventLoop().execute(() -> {
                c.error(FAILED);
                c.handler().resume();
            });
        }
    }

    private static void log(String message) {
        System.out.println(message);
    }
}
