package io.larder.node.server;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one parsed request: finds the command, checks it the way Redis's processCommand does (existence,
 * arity, authentication) with the same errors, takes the stripe locks of its keys, runs it and keeps the
 * statistics.
 */
public final class Dispatcher {
    private final Node node;
    private final CommandTable table;
    private final Keyspace keyspace;
    private final SlowLog slowLog;
    private final MonitorFeed monitors;
    private final ClientPause pause;

    public Dispatcher(Node node) {
        this.node = node;
        this.table = node.commands();
        this.keyspace = node.keyspace();
        this.slowLog = node.slowLog();
        this.monitors = node.monitors();
        this.pause = node.pause();
    }

    public void dispatch(Client client, byte[][] args) {
        if (client.replyMode() == Client.ReplyMode.ON && !client.skippingNextReply()) {
            execute(client, args);
            return;
        }
        // CLIENT REPLY OFF/SKIP: run the command, then drop whatever it replied, errors included (unless it
        // was CLIENT REPLY ON), but not the pub/sub pushes it produced.
        boolean skip = client.takeSkipNextReply();
        boolean off = client.replyMode() == Client.ReplyMode.OFF;
        int mark = client.reply().mark();
        boolean ran;
        client.repliesDropped(true);
        try {
            ran = execute(client, args);
        } finally {
            client.repliesDropped(false);
        }
        if (!ran) {
            if (skip) {
                client.skipNextReply();
            }
            return;
        }
        if (skip || off && client.replyMode() == Client.ReplyMode.OFF) {
            client.reply().resetTo(mark);
        }
        client.writeKeptPushes();
    }

    /** Runs one command; false when it was put aside to run later (CLIENT PAUSE). */
    private boolean execute(Client client, byte[][] args) {
        CommandSpec spec = table.lookup(args[0]);
        if (spec == null) {
            client.error(unknownCommand(args));
            return true;
        }
        if (!spec.subcommands().isEmpty() && args.length >= 2) {
            CommandSpec sub = CommandTable.subcommand(spec, args[1]);
            if (sub == null) {
                client.error("ERR unknown subcommand '" + truncate(args[1]) + "'. Try "
                        + new String(args[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + " HELP.");
                return true;
            }
            spec = sub;
        }
        if (!spec.arityMatches(args.length)) {
            spec.recordRejected();
            client.error("ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return true;
        }
        if (!client.authenticated() && !spec.hasFlag("no_auth") && client.authRequired()) {
            spec.recordRejected();
            client.error("NOAUTH Authentication required.");
            return true;
        }
        if (!PubSub.allowedInContext(client, spec.fullName())) {
            spec.recordRejected();
            client.error(PubSub.notAllowedInContext(spec.fullName()));
            return true;
        }
        // A MONITOR connection is a replica to Redis: it may not touch the keyspace.
        if (client.monitor() && (spec.hasFlag("write") || spec.hasFlag("readonly") || spec.hasFlag("may_replicate"))) {
            spec.recordRejected();
            client.error("ERR Replica can't interact with the keyspace");
            return true;
        }
        if (pause.mustWait(client, spec) && pause.park(client.handler())) {
            client.handler().defer(args);
            return false;
        }
        client.lastCommand(spec.fullName());
        client.takeCommandFailed(); // a rejected command's error is not this command's failure
        long start = System.nanoTime();
        int mark = client.reply().mark();
        try {
            runLocked(spec, client, args);
        } catch (RuntimeException e) {
            // A bug in one command must not take the connection (or the node) down: drop its partial reply,
            // answer with an error, and leave a trace for the operator.
            client.reply().resetTo(mark);
            client.error("ERR internal error while running '" + spec.fullName() + "': " + e.getClass().getSimpleName());
            System.err.println("larder: internal error in '" + spec.fullName() + "'");
            e.printStackTrace();
        }
        long micros = (System.nanoTime() - start) / 1000;

        spec.recordCall(micros);
        if (client.takeCommandFailed()) {
            spec.recordFailed();
        }
        node.stats().commandsProcessed.increment();
        slowLog.offer(client, args, micros);
        node.latencyMonitor().commandFinished(spec.isFast(), micros);
        if (monitors.active()) {
            monitors.feed(client, spec, args);
        }
        return true;
    }

    private void runLocked(CommandSpec spec, Client client, byte[][] args) {
        if (spec.wholeKeyspace()) {
            keyspace.lockAll();
            try {
                spec.handler().execute(client, args);
            } finally {
                keyspace.unlockAll();
            }
            return;
        }
        int first = spec.singleKeyPosition();
        if (first > 0) {
            if (first >= args.length) {
                spec.handler().execute(client, args);
                return;
            }
            int stripe = Keyspace.stripeOf(args[first]);
            keyspace.lockStripe(stripe);
            try {
                spec.handler().execute(client, args);
            } finally {
                keyspace.unlockStripe(stripe);
            }
            return;
        }
        int[] positions = spec.keyPositions(args);
        if (positions.length == 0) {
            spec.handler().execute(client, args);
            return;
        }
        int[] stripes = new int[positions.length];
        int n = 0;
        for (int p : positions) {
            if (p < args.length) {
                stripes[n++] = Keyspace.stripeOf(args[p]);
            }
        }
        Arrays.sort(stripes, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || stripes[distinct - 1] != stripes[i]) {
                stripes[distinct++] = stripes[i];
            }
        }
        for (int i = 0; i < distinct; i++) {
            keyspace.lockStripe(stripes[i]);
        }
        try {
            spec.handler().execute(client, args);
        } finally {
            for (int i = distinct - 1; i >= 0; i--) {
                keyspace.unlockStripe(stripes[i]);
            }
        }
    }

    /** Redis's message, quoting the name and the first arguments up to about 128 bytes. */
    static String unknownCommand(byte[][] args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.length && quoted.length() < 128; i++) {
            String a = new String(args[i], StandardCharsets.UTF_8);
            int room = 128 - quoted.length();
            quoted.append('\'').append(a.length() > room ? a.substring(0, room) : a).append("' ");
        }
        return "ERR unknown command '" + truncate(args[0]) + "', with args beginning with: " + quoted;
    }

    private static String truncate(byte[] arg) {
        String s = new String(arg, StandardCharsets.UTF_8);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
