package io.larder.node.replication;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.ClientPause;
import io.larder.node.server.Node;

import java.nio.charset.StandardCharsets;

/**
 * FAILOVER [TO host port] [FORCE] [TIMEOUT ms] and FAILOVER ABORT, as Redis 7: writes are paused, a replica that
 * acknowledged the whole stream (the one named, or any) is asked with PSYNC ... FAILOVER to become the primary,
 * and this node follows it. No acknowledged write is lost: the target holds every write made before the pause,
 * and none is accepted after it.
 */
final class Failover {
    enum State {
        NONE("no-failover"), WAITING_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    /** What FAILOVER was asked, parsed once. */
    record Options(String host, int port, boolean force, long timeoutMillis) {
    }

    private final Node node;
    private final Replication replication;
    /** Guarded by this. */
    private State state = State.NONE;
    private Options options;
    private long endMillis;

    Failover(Node node, Replication replication) {
        this.node = node;
        this.replication = replication;
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("failover", -1).flags("admin noscript stale")
                .acl("admin slow dangerous").group("server").since("6.2.0").complexity("O(1)")
                .summary("Hands the primary role to a replica once it holds every write, then follows it")
                .handler(Failover::command).build());
    }

    synchronized State state() { return state; }

    /** Whether heartbeats must stay out of the stream: they would move the offset the target has to reach. */
    boolean active() {
        return state() != State.NONE;
    }

    private static void command(Client c, byte[][] args) {
        Failover f = c.node().replication().failover();
        if (c.node().config().find("cluster-enabled").asBool()) {
            c.error("ERR FAILOVER not allowed in cluster mode.");
            return;
        }
        if (args.length == 2 && new String(args[1], StandardCharsets.UTF_8).equalsIgnoreCase("abort")) {
            if (!f.abort("Failover manually aborted")) {
                c.error("ERR No failover in progress.");
                return;
            }
            c.reply().ok();
            return;
        }
        Options o = parse(c, args);
        if (o != null) {
            String refused = f.start(o);
            if (refused != null) {
                c.error(refused);
            } else {
                c.reply().ok();
            }
        }
    }

    /** Redis's order of checks; null after replying with the error. */
    private static Options parse(Client c, byte[][] args) {
        String host = null;
        long port = 0;
        boolean force = false;
        long timeout = 0;
        for (int j = 1; j < args.length; j++) {
            String word = new String(args[j], StandardCharsets.UTF_8);
            try {
                if (word.equalsIgnoreCase("timeout") && j + 1 < args.length && timeout == 0) {
                    timeout = Numbers.parseLong(args[j + 1]);
                    if (timeout <= 0) {
                        c.error("ERR FAILOVER timeout must be greater than 0");
                        return null;
                    }
                    j++;
                } else if (word.equalsIgnoreCase("to") && j + 2 < args.length && host == null) {
                    port = Numbers.parseLong(args[j + 2]);
                    host = new String(args[j + 1], StandardCharsets.UTF_8);
                    j += 2;
                } else if (word.equalsIgnoreCase("force") && !force) {
                    force = true;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return null;
            }
        }
        return new Options(host, (int) port, force, timeout);
    }

    /** Starts a failover; the error to reply, or null. */
    private synchronized String start(Options o) {
        if (state != State.NONE) {
            return "ERR FAILOVER already in progress.";
        }
        if (node.replicaLink().active()) {
            return "ERR FAILOVER is not valid when server is a replica.";
        }
        if (replication.connectedReplicas() == 0) {
            return "ERR FAILOVER requires connected replicas.";
        }
        if (o.force() && (o.timeoutMillis() == 0 || o.host() == null)) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (o.host() != null) {
            ReplicaConnection target = find(o.host(), o.port());
            if (target == null) {
                return "ERR FAILOVER target HOST and PORT is not a replica.";
            }
            if (target.state != ReplicaConnection.State.ONLINE) {
                return "ERR FAILOVER target replica is not online.";
            }
            log("FAILOVER requested to " + o.host() + ":" + o.port() + ".");
        } else {
            log("FAILOVER requested to any replica.");
        }
        options = o;
        endMillis = o.timeoutMillis() > 0 ? System.currentTimeMillis() + o.timeoutMillis() : 0;
        state = State.WAITING_FOR_SYNC;
        node.pause().pause(Long.MAX_VALUE, ClientPause.Mode.WRITE);
        return null;
    }

    private ReplicaConnection find(String host, int port) {
        for (ReplicaConnection r : replication.replicas()) {
            if (r.ip().equals(host) && r.listeningPort == port) {
                return r;
            }
        }
        return null;
    }

    /** From the replication cron: hands over once a target acknowledged the whole stream, or times out. */
    void check(long now) {
        String host;
        int port;
        synchronized (this) {
            if (state != State.WAITING_FOR_SYNC) {
                if (state == State.IN_PROGRESS && endMillis != 0 && now > endMillis) {
                    abort("Failover target never answered before the timeout");
                }
                return;
            }
            long offset = replication.offset();
            ReplicaConnection target = null;
            for (ReplicaConnection r : replication.replicas()) {
                boolean named = options.host() == null
                        || r.ip().equals(options.host()) && r.listeningPort == options.port();
                if (named && r.state == ReplicaConnection.State.ONLINE && r.ackOffset == offset) {
                    target = r;
                    break;
                }
            }
            if (target != null) {
                host = target.ip();
                port = target.listeningPort;
            } else if (endMillis != 0 && now > endMillis) {
                if (!options.force()) {
                    abortLocked("Replica never caught up before timeout");
                    return;
                }
                host = options.host();
                port = options.port();
            } else {
                return;
            }
            state = State.IN_PROGRESS;
            log("Failover target " + host + ":" + port + " is synced, failing over.");
        }
        node.replicaLink().failoverTo(host, port, this::answered);
    }

    /** The target's answer to PSYNC ... FAILOVER (on the link loop). */
    private void answered(boolean accepted) {
        synchronized (this) {
            if (state != State.IN_PROGRESS) {
                return;
            }
            if (accepted) {
                log("Failover target accepted the handoff: this node is a replica now.");
                clearLocked();
                return;
            }
        }
        abort("Failover target rejected psync request");
    }

    /** FAILOVER ABORT, a timeout or a refusal: this node is a primary again. False when none was under way. */
    private boolean abort(String why) {
        boolean wasHandingOver;
        synchronized (this) {
            if (state == State.NONE) {
                return false;
            }
            wasHandingOver = state == State.IN_PROGRESS;
            abortLocked(why);
        }
        if (wasHandingOver) {
            node.replicaLink().noOne();
        }
        return true;
    }

    private void abortLocked(String why) {
        log("FAILOVER aborted: " + why);
        clearLocked();
    }

    private void clearLocked() {
        state = State.NONE;
        options = null;
        endMillis = 0;
        node.pause().unpause();
    }

    private static void log(String message) {
        System.out.println(message);
    }
}
