package io.larder.node.scripting;

import io.larder.node.server.Client;
import io.larder.node.server.Node;
import io.larder.node.server.ScriptCalls;
import io.larder.node.server.Version;
import io.larder.resp.ReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node's scripts: the script cache (SCRIPT LOAD / EVALSHA), the one Lua interpreter, and the thread that runs
 * scripts.
 * <p>
 * A script may touch keys it did not declare (Redisson and BullMQ do), so it runs holding every stripe, like
 * Redis's single thread. It runs on its own thread, not on the caller's event loop: the caller's connection is
 * suspended meanwhile and the reply is handed back to its loop. That keeps both event loops able to answer
 * while a script runs long: past {@code busy-reply-threshold} every other command gets {@code -BUSY} from
 * whichever loop its client is on (before that it waits, as it would in Redis), and SCRIPT KILL works from any
 * client. Scripts queued together run as one batch under one acquisition of the stripes.
 */
public final class Scripting {
    private static final int BATCH = 64;
    private static final String BUSY_SCRIPT =
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    private static final String BUSY_FUNCTION =
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    private final Node node;
    private final Map<String, byte[]> scripts = new ConcurrentHashMap<>();
    private final Functions functions = new Functions(this);
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Held by whoever uses the interpreter; taken only while holding every stripe, so it cannot deadlock. */
    private final ReentrantLock engineLock = new ReentrantLock();
    private LuaEngine engine;
    /** Where a script's reply is assembled; used under engineLock only. */
    private final ReplyWriter replies = new ReplyWriter(PooledByteBufAllocator.DEFAULT);
    private ScriptCalls calls;
    private volatile Thread runner;
    private volatile boolean running;
    private volatile long scriptStartNanos;
    private volatile boolean runningFunction;
    private volatile boolean killRequested;

    public Scripting(Node node) {
        this.node = node;
    }

    public Functions functions() { return functions; }

    // ---- script cache ----

    public static String sha1(byte[] body) {
        return LuaEngine.sha1Hex(body);
    }

    public boolean cached(String sha) { return scripts.containsKey(sha); }

    public byte[] cachedBody(String sha) { return scripts.get(sha); }

    /**
     * The flags an EVAL/EVALSHA script's shebang or an FCALL function declares; null for a script without a
     * shebang (Redis's eval compatibility mode), or one this node cannot find (the command reports that itself).
     * A replica decides from them whether the call writes or may run on stale data.
     */
    public List<String> declaredFlags(String command, byte[][] args) {
        if (args.length < 2) {
            return null;
        }
        if (command.startsWith("fcall")) {
            Functions.Function f = functions.function(new String(args[1], StandardCharsets.UTF_8));
            return f == null ? null : f.flags();
        }
        byte[] body = command.startsWith("evalsha")
                ? scripts.get(new String(args[1], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT)) : args[1];
        if (body == null || body.length < 2 || body[0] != '#' || body[1] != '!') {
            return null;
        }
        try {
            return Shebang.parse(body, false).flags();
        } catch (Shebang.Invalid e) {
            return null;
        }
    }

    /** SCRIPT LOAD: compiles now (so syntax errors are reported) and caches. Returns null or the error. */
    public String load(byte[] body, String[] sha) {
        sha[0] = sha1(body);
        if (scripts.containsKey(sha[0])) {
            return null;
        }
        Shebang shebang;
        try {
            shebang = Shebang.parse(body, false);
        } catch (Shebang.Invalid e) {
            return e.getMessage();
        }
        String error = withEngine(() -> compileScript(sha[0], shebang));
        if (error == null) {
            scripts.put(sha[0], body);
        }
        return error;
    }

    private String compileScript(String sha, Shebang shebang) {
        String error = engine.compile("f_" + sha, shebang.code(), "@user_script");
        return error == null ? null : "ERR Error compiling script (new function): " + error;
    }

    /** SCRIPT FLUSH. */
    public void flush() {
        withEngine(() -> {
            for (String sha : scripts.keySet()) {
                engine.forget("f_" + sha);
            }
            scripts.clear();
            return null;
        });
    }

    <T> T withEngine(java.util.function.Supplier<T> work) {
        node.keyspace().lockAll();
        engineLock.lock();
        try {
            ensureEngine();
            return work.get();
        } finally {
            engineLock.unlock();
            node.keyspace().unlockAll();
        }
    }

    private void ensureEngine() {
        if (engine == null) {
            engine = new LuaEngine(Version.REDIS);
            calls = new ScriptCalls(node);
        }
        luaMemory = engine.memory();
    }

    LuaEngine engine() { return engine; }

    // ---- running ----

    /** What one EVAL/EVALSHA/FCALL asks for; body null for EVALSHA of a cached script. */
    public record Invocation(String name, String displayName, byte[] body, byte[][] keys, byte[][] argv,
                             boolean readOnlyCommand, boolean function, byte[][] command) {
    }

    /**
     * Runs a script for a client: inline inside EXEC (which holds the stripes it needs), otherwise on the
     * script thread with the client suspended until its reply is back.
     */
    public void submit(Client client, Invocation inv) {
        if (client.transaction().executing()) {
            engineLock.lock();
            try {
                ensureEngine();
                client.reply().raw(runOne(client, inv, client.reply().protocol()));
            } finally {
                engineLock.unlock();
            }
            return;
        }
        client.handler().scriptQueued();
        queue.add(new Job(client, inv, client.reply().protocol()));
        startRunner();
    }

    /** A script waiting for the script thread. */
    private record Job(Client client, Invocation inv, int protocol) {
    }

    private void startRunner() {
        if (runner == null) {
            synchronized (this) {
                if (runner == null) {
                    // A deep stack: converting a script's nested (even self-referencing) tables recurses up to
                    // Lua's own stack limit of 8,000 levels.
                    Thread t = Thread.ofPlatform().daemon().name("larder-scripts").stackSize(64L << 20)
                            .unstarted(this::runLoop);
                    runner = t;
                    t.start();
                }
            }
        }
    }

    private void runLoop() {
        List<Job> batch = new ArrayList<>(BATCH);
        // Replies per connection, handed back once per batch: one wake-up of its event loop, not one per script.
        Map<Client, java.io.ByteArrayOutputStream> replies = new java.util.LinkedHashMap<>();
        Map<Client, Integer> counts = new java.util.HashMap<>();
        while (true) {
            try {
                Job first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                running = true;
                node.keyspace().lockAll();
                engineLock.lock();
                try {
                    ensureEngine();
                    for (Job job : batch) {
                        replies.computeIfAbsent(job.client(), c -> new java.io.ByteArrayOutputStream())
                                .writeBytes(runSafely(job));
                        counts.merge(job.client(), 1, Integer::sum);
                    }
                    luaMemory = engine.memory();
                } finally {
                    engineLock.unlock();
                    node.keyspace().unlockAll();
                    running = false;
                    batch.clear();
                }
                replies.forEach((c, bytes) -> c.handler().scriptsReplied(bytes.toByteArray(), counts.get(c)));
                replies.clear();
                counts.clear();
                node.blocked().handleReady();
            } catch (InterruptedException e) {
                runner = null; // node shutdown
                return;
            } catch (RuntimeException e) {
                System.err.println("larder: script runner error");
                e.printStackTrace();
            }
        }
    }

    /** The client must get an answer (and its connection back) whatever went wrong. */
    private byte[] runSafely(Job job) {
        try {
            return runOne(job.client(), job.inv(), job.protocol());
        } catch (RuntimeException | StackOverflowError e) {
            System.err.println("larder: internal error while running a script");
            e.printStackTrace();
            return "-ERR internal error while running a script\r\n".getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Compiles if needed and runs one invocation; returns the reply bytes in the caller's protocol. */
    private byte[] runOne(Client client, Invocation inv, int protocol) {
        ReplyWriter out = replies;
        out.protocol(protocol);
        boolean readOnly = inv.readOnlyCommand();
        if (!inv.function()) {
            byte[] body = inv.body() != null ? inv.body() : scripts.get(inv.displayName());
            if (body == null) {
                out.error("NOSCRIPT No matching script. Please use EVAL.");
                return bytes(out);
            }
            Shebang shebang;
            try {
                shebang = Shebang.parse(body, false);
            } catch (Shebang.Invalid e) {
                out.error(e.getMessage());
                return bytes(out);
            }
            if (!scripts.containsKey(inv.displayName())) {
                String error = compileScript(inv.displayName(), shebang);
                if (error != null) {
                    out.error(error);
                    return bytes(out);
                }
                scripts.put(inv.displayName(), body);
            }
            readOnly |= shebang.flags().contains("no-writes");
        } else {
            readOnly |= functions.readOnly(inv.name());
        }
        calls.begin(client, inv.command());
        killRequested = false;
        runningFunction = inv.function();
        runningCommand = inv.command();
        scriptStartNanos = System.nanoTime();
        boolean ro = readOnly;
        String error = engine.run(inv.name(), inv.displayName(), inv.keys(), inv.argv(), new ScriptHost() {
            @Override
            public byte[] call(byte[][] args, int p) {
                return calls.call(args, p, ro);
            }

            @Override
            public void log(int level, String message) {
                if (level >= 2) {
                    System.err.println("larder script: " + message);
                }
            }

            @Override
            public boolean killRequested() {
                return killRequested;
            }
        }, out);
        calls.finished(client, inv.command(), (System.nanoTime() - scriptStartNanos) / 1000);
        scriptStartNanos = 0;
        runningCommand = null;
        if (error != null) {
            node.stats().recordError(error);
        }
        return bytes(out);
    }

    private static byte[] bytes(ReplyWriter out) {
        ByteBuf b = out.take();
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        return bytes;
    }

    // ---- busy state, SCRIPT KILL ----

    /** The function running now and for how long, for FUNCTION STATS: null when none (or a script runs). */
    public record RunningFunction(String name, byte[][] command, long millis) {
    }

    private volatile byte[][] runningCommand;

    public RunningFunction runningFunction() {
        long start = scriptStartNanos;
        byte[][] command = runningCommand;
        if (!running || start == 0 || !runningFunction || command == null) {
            return null;
        }
        return new RunningFunction(Scripting.text(command[1]), command, (System.nanoTime() - start) / 1_000_000);
    }

    /** A script that is not a function is running (FUNCTION STATS answers BUSY then). */
    public boolean runningScript() {
        return running && scriptStartNanos != 0 && !runningFunction;
    }

    /**
     * EVAL, EVALSHA, FCALL and their _RO forms: they go to the script queue without waiting, even behind other
     * scripts of the same client (everything else waits for that client's pending scripts).
     */
    public static boolean queuesBehindScripts(io.larder.node.command.CommandSpec spec) {
        return switch (spec.fullName()) {
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> true;
            default -> false;
        };
    }

    /** INFO memory figures: the interpreter's memory as last seen after a script, scripts' bodies, counts. */
    private volatile long luaMemory;

    public long luaMemory() { return luaMemory; }

    public int cachedScripts() { return scripts.size(); }

    public long cachedScriptBytes() {
        return scripts.values().stream().mapToLong(b -> b.length).sum();
    }

    /** A script is running (or a batch of them). */
    public boolean running() { return running; }

    /** The BUSY error when a script has run past busy-reply-threshold, else null. */
    public String busyError() {
        long start = scriptStartNanos;
        long threshold = node.config().find("busy-reply-threshold").asLong();
        if (!running || start == 0 || threshold <= 0 || System.nanoTime() - start < threshold * 1_000_000) {
            return null;
        }
        return runningFunction ? BUSY_FUNCTION : BUSY_SCRIPT;
    }

    /**
     * For a command arriving while a script runs: waits for the script to end (what a Redis client sees) until
     * it passes busy-reply-threshold; returns then the BUSY error, or null once the script has ended.
     */
    public String awaitIdle() {
        while (running) {
            String busy = busyError();
            if (busy != null) {
                return busy;
            }
            LockSupport.parkNanos(20_000);
        }
        return null;
    }

    /** SCRIPT KILL (function false) or FUNCTION KILL (true): null when the kill was requested, else the error. */
    public String kill(boolean function) {
        if (!running || scriptStartNanos == 0) {
            return "NOTBUSY No scripts in execution right now.";
        }
        if (calls.wrote()) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (runningFunction != function) {
            // SCRIPT KILL does not stop a function, nor FUNCTION KILL a script: Redis answers with the other's BUSY.
            return runningFunction ? BUSY_FUNCTION : BUSY_SCRIPT;
        }
        killRequested = true;
        return null;
    }

    /** Node shutdown: stops the script thread and frees the interpreter, unless a script still runs. */
    public void close() {
        Thread t = runner;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (engineLock.tryLock()) {
            try {
                if (engine != null) {
                    engine.close();
                    engine = null;
                }
            } finally {
                engineLock.unlock();
            }
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
