package io.larder.node.server;

import io.larder.engine.keyspace.Keyspace;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.config.ConfigParam;
import io.larder.node.memory.Evictor;
import io.larder.node.propagation.Propagation;
import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.scripting.Scripting;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
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
    private final Tracking tracking;
    private final Propagation propagation;
    private final Evictor evictor;
    private final ConfigParam replicaReadOnly;
    private final ConfigParam replicaServeStaleData;
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    public Dispatcher(Node node) {
        this.node = node;
        this.table = node.commands();
        this.keyspace = node.keyspace();
        this.slowLog = node.slowLog();
        this.monitors = node.monitors();
        this.pause = node.pause();
        this.tracking = node.tracking();
        this.propagation = node.propagation();
        this.evictor = node.evictor();
        this.replicaReadOnly = node.config().find("replica-read-only");
        this.replicaServeStaleData = node.config().find("replica-serve-stale-data");
    }

    public void dispatch(Client client, byte[][] args) {
        if (client.tracking() == null) {
            dispatchCommand(client, args);
            return;
        }
        tracking.beforeCommand(client);
        boolean ran = false;
        try {
            ran = dispatchCommand(client, args);
        } finally {
            tracking.afterCommand(client, args, ran);
        }
    }

    /** Runs one request; false when it was put aside to run later (CLIENT PAUSE). */
    private boolean dispatchCommand(Client client, byte[][] args) {
        if (client.replyMode() == Client.ReplyMode.ON && !client.skippingNextReply()) {
            return execute(client, args);
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
            return false;
        }
        if (skip || off && client.replyMode() == Client.ReplyMode.OFF) {
            client.reply().resetTo(mark);
        }
        client.writeKeptPushes();
        return true;
    }

    /** Runs one command; false when it was put aside to run later (CLIENT PAUSE). */
    private boolean execute(Client client, byte[][] args) {
        CommandSpec spec = table.lookup(args[0]);
        if (client.handler() != null && client.handler().scriptsPending()
                && (spec == null || !Scripting.queuesBehindScripts(spec))) {
            client.handler().deferForScripts(args); // replies stay in order: scripts queued before it answer first
            return false;
        }
        if (spec == null) {
            refuse(client, unknownCommand(args));
            return true;
        }
        if (!spec.subcommands().isEmpty() && args.length >= 2) {
            CommandSpec sub = CommandTable.subcommand(spec, args[1]);
            if (sub == null) {
                refuse(client, spec, "ERR unknown subcommand '" + truncate(args[1]) + "'. Try "
                        + new String(args[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + " HELP.");
                return true;
            }
            spec = sub;
        }
        if (!spec.arityMatches(args.length)) {
            spec.recordRejected();
            refuse(client, spec, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return true;
        }
        if (!client.authenticated() && !spec.hasFlag("no_auth") && client.authRequired()) {
            spec.recordRejected();
            refuse(client, spec, "NOAUTH Authentication required.");
            return true;
        }
        if (spec.hasFlag("no_multi") && client.transaction().open()) {
            spec.recordRejected();
            refuse(client, spec, "ERR Command not allowed inside a transaction");
            return true;
        }
        // ACL: one field read for unrestricted users (the default +@all ~* &*).
        if (!client.aclUser().unrestricted() && !client.master()) {
            String denial = node.acl().denial(client, spec, args, null);
            if (denial != null) {
                spec.recordRejected();
                refuse(client, spec, "NOPERM " + denial);
                return true;
            }
        }
        if (evictor.limited() && !client.master() && outOfMemory(client, spec)) {
            spec.recordRejected();
            refuse(client, spec, OOM);
            return true;
        }
        if (!PubSub.allowedInContext(client, spec.fullName())) {
            spec.recordRejected();
            refuse(client, spec, PubSub.notAllowedInContext(spec.fullName()));
            return true;
        }
        // A MONITOR connection is a replica to Redis: it may not touch the keyspace.
        if (client.monitor() && (spec.hasFlag("write") || spec.hasFlag("readonly") || spec.hasFlag("may_replicate"))) {
            spec.recordRejected();
            refuse(client, spec, "ERR Replica can't interact with the keyspace");
            return true;
        }
        if (client.master() && node.replicaLink().diskWriteError() && deniedOnDiskError(client, spec, args)
                && !node.replicaLink().appliesDespiteDiskError(writes(client, spec, args))) {
            return true; // the node stops, as Redis panics
        }
        if (node.persistence().writesDenied() && !client.master() && deniedOnDiskError(client, spec, args)) {
            spec.recordRejected();
            refuse(client, spec, MISCONF);
            return true;
        }
        if (!node.replication().enoughGoodReplicas() && writes(client, spec, args)) {
            spec.recordRejected();
            refuse(client, spec, "NOREPLICAS Not enough good replicas to write.");
            return true;
        }
        if (propagation.active() && !client.master() && (spec.hasFlag("write") || spec.name().equals("ping"))) {
            String aofError = node.aof().writeError();
            if (aofError != null) {
                spec.recordRejected();
                refuse(client, spec, "MISCONF Errors writing to the AOF file: " + aofError);
                return true;
            }
        }
        ReplicaLink link = node.replicaLink();
        if (link.active() && !client.master()) {
            // A script with a shebang (or a function) writes unless it says no-writes, and runs on stale data
            // only with allow-stale; one without is judged by the commands it calls.
            boolean script = isScript(spec);
            java.util.List<String> declared = script ? node.scripting().declaredFlags(spec.name(), args) : null;
            if (replicaReadOnly.asBool() && writes(client, spec, args)) {
                spec.recordRejected();
                refuse(client, spec, READONLY);
                return true;
            }
            if (link.state() != ReplicaLink.State.CONNECTED && !replicaServeStaleData.asBool()
                    && (deniedWhileStale(client, spec) || script && (declared == null || !declared.contains("allow-stale")))) {
                spec.recordRejected();
                refuse(client, spec, MASTERDOWN);
                return true;
            }
        }
        if (node.persistence().asyncLoading() && !client.master()
                && commandOrQueued(client, spec, s -> s.hasFlag("no_async_loading"))) {
            spec.recordRejected();
            refuse(client, spec, "LOADING Redis is loading the dataset in memory");
            return true;
        }
        if (node.persistence().loading() && !spec.hasFlag("loading") && !client.internal()) {
            spec.recordRejected();
            refuse(client, spec, "LOADING Redis is loading the dataset in memory");
            return true;
        }
        if (node.scripting().running() && (!spec.hasFlag("allow_busy") || spec.keyPositions(args).length > 0)) {
            // A script holds every stripe: past busy-reply-threshold answer BUSY instead of waiting for it.
            // (WATCH may run during a busy script in Redis, but here it needs a stripe the script holds.)
            String busy = Scripting.queuesBehindScripts(spec) ? node.scripting().busyError() : node.scripting().awaitIdle();
            if (busy != null) {
                spec.recordRejected();
                refuse(client, spec, busy);
                return true;
            }
        }
        if (pause.mustWait(client, spec) && pause.park(client.handler())) {
            client.handler().defer(args);
            return false;
        }
        client.lastCommand(spec.fullName());
        Transaction tx = client.transaction();
        if (tx.open() && !controlsTransaction(spec)) {
            tx.queue(spec, args);
            client.reply().simple("QUEUED");
            return true;
        }
        client.takeCommandFailed(); // a rejected command's error is not this command's failure
        long start = System.nanoTime();
        int mark = client.reply().mark();
        boolean noTouch = client.noTouch() && !spec.name().equals("touch");
        if (noTouch) {
            keyspace.suppressTouch(true);
        }
        try {
            runLocked(spec, client, args);
        } catch (RuntimeException e) {
            internalError(client, spec, mark, e);
        } finally {
            if (noTouch) {
                keyspace.suppressTouch(false);
            }
        }
        node.blocked().handleReady(); // keys the command made non-empty, now that its locks are released
        if (evictor.limited() && (spec.denyOom() || spec.name().equals("exec"))) {
            evictor.perform(Long.MAX_VALUE); // back within maxmemory as soon as a write completes
        }
        finish(client, spec, args, start);
        return true;
    }

    private static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently"
            + " unable to persist to disk. Commands that may modify the data set are disabled, because this instance"
            + " is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error"
            + " option). Please check the Redis logs for details about the RDB error.";

    private static final String READONLY = "READONLY You can't write against a read only replica.";
    private static final String MASTERDOWN =
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    private static boolean isScript(CommandSpec spec) {
        return switch (spec.name()) {
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> true;
            default -> false;
        };
    }

    /**
     * Redis's is_write_command: a write command, a script or function whose flags do not say no-writes (a
     * script without a shebang is judged by the commands it calls), or EXEC of a transaction holding one.
     * What a read-only replica and an unmet min-replicas-to-write refuse.
     */
    private boolean writes(Client client, CommandSpec spec, byte[][] args) {
        if (writesItself(spec, args)) {
            return true;
        }
        if (spec.name().equals("exec") && client.transaction().open()) {
            for (Transaction.Queued q : client.transaction().queued()) {
                if (writesItself(q.spec(), q.args())) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean writesItself(CommandSpec spec, byte[][] args) {
        if (spec.hasFlag("write")) {
            return true;
        }
        if (!isScript(spec)) {
            return false;
        }
        java.util.List<String> declared = node.scripting().declaredFlags(spec.name(), args);
        return declared != null && !declared.contains("no-writes");
    }

    /** Without the "stale" flag (or EXEC of a command without it) a command needs the link to the primary up. */
    private static boolean deniedWhileStale(Client client, CommandSpec spec) {
        return commandOrQueued(client, spec, s -> !s.hasFlag("stale"));
    }

    /** Redis refuses writes, PING, and EXEC of a transaction with writes after a failed background save. */
    private boolean deniedOnDiskError(Client client, CommandSpec spec, byte[][] args) {
        return spec.name().equals("ping") || writes(client, spec, args);
    }

    /** Whether the command, or for EXEC one of the commands it is about to run, passes {@code test}. */
    private static boolean commandOrQueued(Client client, CommandSpec spec, java.util.function.Predicate<CommandSpec> test) {
        if (test.test(spec)) {
            return true;
        }
        if (spec.name().equals("exec") && client.transaction().open()) {
            for (Transaction.Queued q : client.transaction().queued()) {
                if (test.test(q.spec())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Redis's maxmemory step of processCommand: evict before every command, and refuse a command that may
     * grow memory (denyoom, EXEC of such commands, anything queued in MULTI) when eviction cannot get below
     * the limit.
     */
    private boolean outOfMemory(Client client, CommandSpec spec) {
        if (evictor.perform() != Evictor.Result.FAIL) {
            return false;
        }
        Transaction tx = client.transaction();
        if (spec.denyOom()) {
            return true;
        }
        if (spec.name().equals("exec")) {
            for (Transaction.Queued q : tx.queued()) {
                if (q.spec().denyOom()) {
                    return true;
                }
            }
            return false;
        }
        return tx.open() && !switch (spec.name()) {
            case "discard", "quit", "reset" -> true;
            default -> false;
        };
    }

    /** A command refused before running; inside MULTI it also dooms the transaction (Redis's flagTransaction). */
    private static void refuse(Client client, String message) {
        client.error(message);
        client.transaction().refuseIfOpen();
    }

    /**
     * As {@link #refuse(Client, String)}; EXEC itself refused discards the transaction and says why, as Redis's
     * execCommandAbort (a plain ERR loses its code there).
     */
    private static void refuse(Client client, CommandSpec spec, String message) {
        if (!spec.name().equals("exec")) {
            refuse(client, message);
            return;
        }
        client.transaction().discard();
        client.error("EXECABORT Transaction discarded because of: "
                + (message.startsWith("ERR ") ? message.substring(4) : message));
    }

    /** The commands that act on the transaction itself instead of being queued, as in Redis's processCommand. */
    private static boolean controlsTransaction(CommandSpec spec) {
        return switch (spec.name()) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    /** A bug in one command must not take the connection (or the node) down: drop its partial reply, answer
     * with an error, and leave a trace for the operator. */
    private static void internalError(Client client, CommandSpec spec, int mark, RuntimeException e) {
        client.reply().resetTo(mark);
        client.error("ERR internal error while running '" + spec.fullName() + "': " + e.getClass().getSimpleName());
        System.err.println("larder: internal error in '" + spec.fullName() + "'");
        e.printStackTrace();
    }

    /** Statistics, slow log, latency and MONITOR for a command that ran (also for each one EXEC runs). */
    private void finish(Client client, CommandSpec spec, byte[][] args, long start) {
        long micros = (System.nanoTime() - start) / 1000;
        spec.recordCall(micros);
        if (client.takeCommandFailed()) {
            spec.recordFailed();
        }
        node.stats().commandsProcessed.increment();
        if (!spec.skipsSlowlog()) {
            slowLog.offer(client, args, micros);
        }
        node.latencyMonitor().commandFinished(spec.isFast(), micros);
        if (monitors.active()) {
            monitors.feed(client, spec, args);
        }
    }

    /**
     * EXEC: runs the queued commands as one unit. It locks, in ascending order, the union of the stripes of every
     * queued command's keys and of the watched keys (every stripe when a queued command needs the whole
     * keyspace), decides under those locks whether a watched key changed, and runs the commands without
     * locking again, so no other client's command can interleave with them or with the WATCH check.
     */
    public void exec(Client client) {
        Transaction tx = client.transaction();
        if (!tx.open()) {
            client.error("ERR EXEC without MULTI");
            return;
        }
        if (tx.refusedCommand()) {
            client.error("EXECABORT Transaction discarded because of previous errors.");
            tx.discard();
            return;
        }
        int[] stripes = stripesFor(tx);
        if (stripes == null) {
            keyspace.lockAll();
        } else {
            for (int s : stripes) {
                keyspace.lockStripe(s);
            }
        }
        try {
            if (tx.dirty() || node.watches().anyExpiredSinceWatch(tx)) {
                client.reply().nullArray();
                return;
            }
            tx.unwatch(); // nothing that happens now can abort it any more
            client.reply().array(tx.queued().size());
            tx.executing(true);
            for (Transaction.Queued q : tx.queued()) {
                runQueued(client, q.spec(), q.args());
            }
            if (propagation.active()) {
                client.awaitLogPosition(propagation.endUnit());
            }
        } finally {
            tx.executing(false);
            tx.discard();
            if (stripes == null) {
                keyspace.unlockAll();
            } else {
                for (int i = stripes.length - 1; i >= 0; i--) {
                    keyspace.unlockStripe(stripes[i]);
                }
            }
        }
        client.takeCommandFailed(); // errors inside EXEC are the queued commands' failures, not EXEC's
    }

    private void runQueued(Client client, CommandSpec spec, byte[][] args) {
        if (!client.aclUser().unrestricted() && !node.acl().permitsAtExec(client, spec, args)) {
            return;
        }
        client.takeCommandFailed();
        long start = System.nanoTime();
        int mark = client.reply().mark();
        try {
            invoke(spec, client, args);
        } catch (RuntimeException e) {
            internalError(client, spec, mark, e);
        }
        if (client.replyMode() == Client.ReplyMode.OFF) {
            client.reply().resetTo(mark); // CLIENT REPLY OFF queued earlier in this transaction silences the rest
        }
        finish(client, spec, args, start);
    }

    /**
     * The ascending distinct stripes EXEC must hold, or null for all of them: whole-keyspace commands need every
     * stripe, and so do slow commands without keys, which may take stripe locks of their own while running.
     */
    private static int[] stripesFor(Transaction tx) {
        BitSet stripes = new BitSet(Keyspace.STRIPES);
        for (Watches.Watch w : tx.watches()) {
            stripes.set(Keyspace.stripeOf(w.key.key()));
        }
        for (Transaction.Queued q : tx.queued()) {
            CommandSpec spec = q.spec();
            byte[][] args = q.args();
            int[] positions = spec.keyPositions(args);
            // Slow commands without key positions (SCAN, INFO, DEBUG ...) may lock stripes themselves; that is
            // only deadlock-free inside EXEC when EXEC already holds every stripe.
            if (spec.wholeKeyspace(args) || positions.length == 0 && !spec.isFast()) {
                return null;
            }
            for (int p : positions) {
                if (p < args.length) {
                    stripes.set(Keyspace.stripeOf(args[p]));
                }
            }
        }
        return stripes.stream().toArray();
    }

    private void runLocked(CommandSpec spec, Client client, byte[][] args) {
        if (spec.wholeKeyspace(args)) {
            keyspace.lockAll();
            try {
                invoke(spec, client, args);
            } finally {
                keyspace.unlockAll();
            }
            return;
        }
        int first = spec.singleKeyPosition();
        if (first > 0) {
            if (first >= args.length) {
                invoke(spec, client, args);
                return;
            }
            int stripe = Keyspace.stripeOf(args[first]);
            keyspace.lockStripe(stripe);
            try {
                invoke(spec, client, args);
            } finally {
                keyspace.unlockStripe(stripe);
            }
            return;
        }
        int[] positions = spec.keyPositions(args);
        if (positions.length == 0) {
            invoke(spec, client, args);
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
            invoke(spec, client, args);
        } finally {
            for (int i = distinct - 1; i >= 0; i--) {
                keyspace.unlockStripe(stripes[i]);
            }
        }
    }

    /** Runs the handler; then, under the same locks, lets client tracking see what it read or flushed. */
    private void invoke(CommandSpec spec, Client client, byte[][] args) {
        client.currentCommand(args);
        if (propagation.active()) {
            invokeLogged(spec, client, args);
        } else {
            spec.handler().execute(client, args);
        }
        if (client.tracking() != null || spec.wholeKeyspace()) {
            tracking.afterHandler(client, spec, args);
        }
    }

    /** Runs the handler and, still under its stripes, hands what it changed to the propagation log. */
    private void invokeLogged(CommandSpec spec, Client client, byte[][] args) {
        propagation.beforeCommand();
        try {
            spec.handler().execute(client, args);
        } finally {
            propagation.commandDone(client.dbIndex(), spec.name(), args);
            if (!client.transaction().executing()) {
                client.awaitLogPosition(propagation.endUnit());
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
