package io.larder.node.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.resp.ReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The fake client scripts' redis.call runs commands as, with Redis's checks for calls from scripts. The
 * caller of {@link #call} holds every stripe (a script runs atomically), so commands run without locking.
 * Blocking commands answer at once, as inside EXEC.
 */
public final class ScriptCalls {
    private final Node node;
    private final CommandTable table;
    private final Client fake;
    private boolean wrote;
    private Client caller;

    public ScriptCalls(Node node) {
        this.node = node;
        this.table = node.commands();
        this.fake = new Client(0, node, null, new ReplyWriter(PooledByteBufAllocator.DEFAULT));
        fake.authenticated(true);
        fake.transaction().executing(true);
    }

    private static final int NOSCRIPT = 1;
    private static final int WRITE = 2;
    /** The flags checked on every call, per command, resolved once (CommandSpec keeps them as strings). */
    private final Map<CommandSpec, Integer> flagCache = new IdentityHashMap<>();

    private int flags(CommandSpec spec) {
        Integer f = flagCache.get(spec);
        if (f == null) {
            f = (spec.hasFlag("noscript") ? NOSCRIPT : 0) | (spec.hasFlag("write") ? WRITE : 0);
            flagCache.put(spec, f);
        }
        return f;
    }

    /**
     * Starts a script run for a caller: its database, nothing written yet. MONITOR sees the EVAL or FCALL here,
     * before the script's own commands, as in Redis (the dispatcher skips them: flag skip_monitor).
     */
    public void begin(Client caller, byte[][] command) {
        fake.select(caller.dbIndex());
        this.caller = caller;
        wrote = false;
        if (node.monitors().active() && caller.channel() != null) {
            node.monitors().feed(caller, caller.remoteAddress(), command);
        }
    }

    /** Whether the current script has run a write command (SCRIPT KILL then refuses). */
    public boolean wrote() { return wrote; }

    /**
     * A script has finished: the slow log and latency monitor see its whole run (the dispatcher only saw the
     * EVAL being handed to the script thread).
     */
    public void finished(Client caller, byte[][] command, long micros) {
        if (node.propagation().active()) {
            // The script's effects, wrapped in MULTI/EXEC when more than one; its reply waits for them as any
            // write's (the event loop sees the position once the script thread hands it the reply).
            caller.awaitLogPosition(node.propagation().endUnit());
        }
        node.slowLog().offer(caller, command, micros);
        node.latencyMonitor().commandFinished(false, micros);
    }

    /** Runs one command for the script and returns its RESP reply. */
    public byte[] call(byte[][] args, int protocol, boolean readOnly) {
        CommandSpec spec = table.lookup(args[0]);
        if (spec != null && !spec.subcommands().isEmpty() && args.length >= 2) {
            spec = CommandTable.subcommand(spec, args[1]);
        }
        if (spec == null) {
            return error("ERR Unknown Redis command called from script");
        }
        if (!spec.arityMatches(args.length)) {
            return error("ERR Wrong number of args calling Redis command from script");
        }
        int flags = flags(spec);
        if ((flags & NOSCRIPT) != 0) {
            return error("ERR This Redis command is not allowed from script");
        }
        var link = node.replicaLink();
        if (link.active() && link.state() != io.larder.node.replication.replica.ReplicaLink.State.CONNECTED
                && !node.config().find("replica-serve-stale-data").asBool() && !spec.hasFlag("stale")) {
            return error("ERR Can not execute the command on a stale replica");
        }
        if (!caller.aclUser().unrestricted()) {
            // Scripts run with their caller's permissions, keys and channels included.
            String denied = node.acl().denial(caller, spec, args, "lua");
            if (denied != null) {
                return error("ERR ACL failure in script: " + denied);
            }
        }
        boolean write = (flags & WRITE) != 0;
        if (write && readOnly) {
            return error("ERR Write commands are not allowed from read-only scripts.");
        }
        // Once a script wrote, failing later writes would leave half its effects: Redis lets them through.
        if (write && !wrote && link.active() && node.config().find("replica-read-only").asBool() && !caller.master()) {
            return error("READONLY You can't write against a read only replica.");
        }
        // As READONLY above: checked until the script's first write, so a replica's lag crossing
        // min-replicas-max-lag mid-script cannot leave half of its effects.
        if (write && !wrote && !node.replication().enoughGoodReplicas()) {
            return error("NOREPLICAS Not enough good replicas to write.");
        }
        if (node.monitors().active() && !spec.hasFlag("admin")) {
            node.monitors().feed(fake, "lua", args);
        }
        ReplyWriter reply = fake.reply();
        reply.protocol(protocol);
        long start = System.nanoTime();
        // Scripts replicate as their effects (the commands they ran that changed something), as in Redis 7;
        // the script thread holds every stripe, so whether anything is logged cannot change during a run.
        boolean logged = node.propagation().active();
        try {
            if (logged) {
                node.propagation().beforeCommand();
            }
            spec.handler().execute(fake, args);
            if (logged) {
                node.propagation().commandDone(fake.dbIndex(), spec.name(), args);
            }
            if (caller.tracking() != null || spec.wholeKeyspace()) {
                // As Redis: the keys a script reads are tracked for its caller; a FLUSHALL invalidates all.
                node.tracking().afterHandler(caller, spec, args);
            }
        } catch (RuntimeException e) {
            reply.discard();
            fake.error("ERR internal error while running '" + spec.fullName() + "': " + e.getClass().getSimpleName());
        }
        wrote |= write;
        spec.recordCall((System.nanoTime() - start) / 1000);
        node.stats().commandsProcessed.increment();
        if (fake.takeCommandFailed()) {
            spec.recordFailed();
        }
        ByteBuf out = reply.take();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    private static byte[] error(String message) {
        return ("-" + message + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
