package io.larder.node.scripting;

import io.larder.engine.util.DoubleFormat;
import io.larder.resp.ReplyWriter;
import party.iroiro.luajava.JFunction;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Redis's scripting environment on a real Lua 5.1: the sandbox and {@code redis} API (prelude.lua), the
 * conversions between RESP and Lua values in both directions exactly as Redis 7 makes them, and the
 * {@code bit} and {@code struct} libraries ({@link LuaLibraries}).
 */
public final class LuaEngine implements ScriptEngine {
    private final LuaState s = new LuaState();
    private final int onErrorRef;
    /** The compiled scripts and functions by name, and the scripts' public globals (KEYS, ARGV go there). */
    private final int scriptsRef;
    private final int globalsRef;
    private ScriptHost host;
    /** redis.setresp: the protocol redis.call replies are converted from during the current run. */
    private int protocol = 2;
    private FunctionSink sink;
    private final List<String> pendingFunctions = new ArrayList<>();
    private final String redisVersion;
    /** A kill switched the instruction-count hook to a kill-every-line hook; the next run restores it. */
    private boolean hookReplaced;
    /** The library FUNCTION LOAD is running. */
    private String library;

    public LuaEngine(String redisVersion) {
        this.redisVersion = redisVersion;
        s.global("larder_call", st -> redisCall(true));
        s.global("larder_pcall", st -> redisCall(false));
        s.global("larder_sha1hex", st -> sha1hex());
        s.global("larder_log", st -> log());
        s.global("larder_setresp", st -> setResp());
        s.global("larder_set_repl", st -> setRepl());
        s.global("larder_tick", st -> {
            boolean kill = host != null && host.killRequested();
            hookReplaced |= kill;
            s.push(kill);
            return 1;
        });
        s.global("larder_register_function", st -> registerFunction());
        LuaLibraries.install(s);
        s.run(resource("cjson.lua"), "=larder");
        s.run(resource("cmsgpack.lua"), "=larder");
        s.run(resource("prelude.lua"), "=larder");
        s.getField(LuaState.GLOBALS, "larder");
        s.getField(-1, "init");
        s.push(redisVersion);
        s.push((double) versionNumber(redisVersion));
        check(s.pcall(2, 0, 0));
        s.getField(-1, "on_error");
        onErrorRef = s.ref();
        s.getField(-1, "scripts");
        scriptsRef = s.ref();
        s.getField(-1, "globals");
        check(s.pcall(0, 1, 0));
        globalsRef = s.ref();
        s.getField(-1, "arm");
        check(s.pcall(0, 0, 0));
        s.top(0);
    }

    private static int versionNumber(String version) {
        String[] parts = version.split("\\.");
        return Integer.parseInt(parts[0]) << 16 | Integer.parseInt(parts[1]) << 8 | Integer.parseInt(parts[2]);
    }

    private static String resource(String name) {
        try (InputStream in = LuaEngine.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void check(int status) {
        if (status != 0) {
            String message = s.string(-1);
            s.top(0);
            throw new IllegalStateException("Lua: " + message);
        }
    }

    /** Pushes larder.&lt;name&gt; (the prelude's internal table stays in the real globals). */
    private void internal(String name) {
        s.getField(LuaState.GLOBALS, "larder");
        s.getField(-1, name);
        s.insert(-2);
        s.pop(1);
    }

    @Override
    public String compile(String name, byte[] body, String chunkName) {
        if (s.load(body, chunkName) != 0) {
            String message = s.string(-1);
            s.top(0);
            return message;
        }
        internal("define");
        s.insert(-2);
        s.push(name);
        s.insert(-2);
        check(s.pcall(2, 0, 0));
        return null;
    }

    @Override
    public void forget(String name) {
        internal("undefine");
        s.push(name);
        check(s.pcall(1, 0, 0));
    }

    @Override
    public String run(String name, String displayName, byte[][] keys, byte[][] argv, ScriptHost host, ReplyWriter out) {
        this.host = host;
        this.protocol = 2;
        try {
            // KEYS and ARGV go to the public globals directly, as Redis sets them past its read-only protection.
            s.pushRef(globalsRef);
            s.push("KEYS");
            s.pushArray(keys);
            s.rawSet(-3);
            s.push("ARGV");
            s.pushArray(argv);
            s.rawSet(-3);
            s.pop(1);
            s.pushRef(onErrorRef);
            s.pushRef(scriptsRef);
            s.rawGetField(-1, name);
            s.insert(-2);
            s.pop(1);
            // Functions (named library.function) get KEYS and ARGV as their two arguments.
            int args = 0;
            if (name.indexOf('.') > 0) {
                s.pushArray(keys);
                s.pushArray(argv);
                args = 2;
            }
            if (s.pcall(args, 1, 1) != 0) {
                String message = errorMessage(displayName);
                out.error(message);
                return message;
            }
            writeValue(-1, out);
            return null;
        } finally {
            s.top(0);
            this.host = null;
            if (hookReplaced) {
                internal("arm");
                check(s.pcall(0, 0, 0));
                hookReplaced = false;
            }
        }
    }

    /** Redis's reply for a failed script: the error's text, then which script and where. */
    private String errorMessage(String displayName) {
        if (s.type(-1) != LuaState.TTABLE) {
            return "ERR Error running script " + displayName + ": " + s.string(-1);
        }
        s.rawGetField(-1, "err");
        String err = s.type(-1) == LuaState.TSTRING || s.type(-1) == LuaState.TNUMBER ? s.string(-1) : "ERR unknown error";
        s.pop(1);
        s.rawGetField(-1, "source");
        String source = s.type(-1) == LuaState.TSTRING ? s.string(-1) : null;
        s.pop(1);
        s.rawGetField(-1, "line");
        String line = s.type(-1) == LuaState.TNUMBER ? s.string(-1) : null;
        s.pop(1);
        String message = oneLine(err);
        if (source != null && line != null) {
            message += " script: " + displayName + ", on " + source + ":" + line + ".";
        }
        return message;
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    @Override
    public String loadLibrary(String library, byte[] body, FunctionSink sink) {
        if (s.load(body, "@user_function") != 0) {
            String message = s.string(-1);
            s.top(0);
            return "ERR Error compiling function: " + message;
        }
        this.sink = sink;
        this.library = library;
        pendingFunctions.clear();
        try {
            internal("load_env");
            s.push(redisVersion);
            s.push((double) versionNumber(redisVersion));
            check(s.pcall(2, 1, 0));
            internal("setfenv");
            s.insert(-3); // setfenv, fn, env
            s.pushValue(-2);
            s.insert(-4); // fn, setfenv, fn, env
            check(s.pcall(2, 0, 0));
            if (s.pcall(0, 0, 0) != 0) {
                String message = s.type(-1) == LuaState.TTABLE ? tableErr(-1) : "ERR " + s.string(-1);
                s.top(0);
                for (String f : pendingFunctions) {
                    forget(f);
                }
                return "ERR Error registering functions: " + message;
            }
            return null;
        } finally {
            s.top(0);
            this.sink = null;
        }
    }

    private String tableErr(int index) {
        s.rawGetField(index, "err");
        String err = s.string(-1);
        s.pop(1);
        return err;
    }

    /** redis.register_function(name, fn) or redis.register_function{function_name=, callback=, flags=, description=}. */
    private int registerFunction() {
        String name = null;
        String description = null;
        List<String> flags = new ArrayList<>();
        int callback;
        if (s.top() == 1) {
            if (s.type(1) != LuaState.TTABLE) {
                return raise("ERR calling redis.register_function with a single argument is only applicable to Lua"
                        + " table (representing named arguments).");
            }
            callback = 0;
            s.pushNil();
            while (s.next(1)) {
                String key = s.type(-2) == LuaState.TSTRING ? s.string(-2) : "";
                switch (key) {
                    case "function_name" -> {
                        if (s.type(-1) == LuaState.TSTRING || s.type(-1) == LuaState.TNUMBER) {
                            name = s.string(-1);
                        }
                    }
                    case "description" -> {
                        if (s.type(-1) == LuaState.TSTRING || s.type(-1) == LuaState.TNUMBER) {
                            description = s.string(-1);
                        }
                    }
                    case "callback" -> {
                        if (s.type(-1) == LuaState.TFUNCTION) {
                            s.pushValue(-1);
                            callback = s.ref();
                        }
                    }
                    case "flags" -> {
                        if (s.type(-1) != LuaState.TTABLE || !readFlags(flags)) {
                            return raise("ERR flags argument to redis.register_function must be a table representing"
                                    + " function flags");
                        }
                    }
                    default -> {
                        return raise("ERR unknown argument given to redis.register_function");
                    }
                }
                s.pop(1);
            }
            if (name == null) {
                return raise("ERR redis.register_function must get a function name argument");
            }
            if (callback == 0) {
                return raise("ERR redis.register_function must get a callback argument");
            }
            s.pushRef(callback);
            s.unref(callback);
        } else if (s.top() == 2) {
            if (s.type(1) != LuaState.TSTRING && s.type(1) != LuaState.TNUMBER) {
                return raise("ERR first argument to redis.register_function must be a string");
            }
            if (s.type(2) != LuaState.TFUNCTION) {
                return raise("ERR second argument to redis.register_function must be a function");
            }
            name = s.string(1);
        } else {
            return raise("ERR wrong number of arguments to redis.register_function");
        }
        String refusal = sink.register(name, flags, description);
        if (refusal != null) {
            return raise(refusal);
        }
        // The callback is the function value on top of the stack.
        internal("define");
        s.insert(-2);
        s.push(library + "." + name);
        s.insert(-2);
        check(s.pcall(2, 0, 0));
        pendingFunctions.add(library + "." + name);
        return 0;
    }

    /** The flags table on top of the stack: strings only. */
    private boolean readFlags(List<String> flags) {
        for (int i = 1; ; i++) {
            s.rawGetIndex(-1, i);
            int t = s.type(-1);
            if (t == LuaState.TNIL) {
                s.pop(1);
                return true;
            }
            if (t != LuaState.TSTRING) {
                s.pop(1);
                return false;
            }
            flags.add(s.string(-1));
            s.pop(1);
        }
    }

    private int raise(String message) {
        s.newTable(0, 1);
        s.push(message);
        s.setField(-2, "err");
        return -1;
    }

    /** redis.call / redis.pcall: the arguments, the command, and its reply converted to Lua. */
    private int redisCall(boolean raise) {
        int n = s.top();
        if (n == 0) {
            return fail(raise, "ERR Please specify at least one argument for this redis lib call");
        }
        byte[][] args = new byte[n][];
        for (int i = 1; i <= n; i++) {
            int t = s.type(i);
            if (t == LuaState.TSTRING) {
                args[i - 1] = s.bytes(i);
            } else if (t == LuaState.TNUMBER) {
                args[i - 1] = numberArgument(i);
            } else {
                return fail(raise, "ERR Lua redis lib command arguments must be strings or integers");
            }
        }
        byte[] reply = host.call(args, protocol);
        s.top(0);
        if (!s.checkStack(64)) {
            return fail(raise, "ERR reached lua stack limit");
        }
        new RespToLua(s, reply).push();
        if (raise && reply[0] == '-') {
            return -1;
        }
        return 1;
    }

    private int fail(boolean raise, String message) {
        s.top(0);
        s.newTable(0, 1);
        s.push(message);
        s.setField(-2, "err");
        return raise ? -1 : 1;
    }

    /** Numbers become arguments as Redis prints them, with %.17g (so 0.1 is "0.10000000000000001"). */
    private byte[] numberArgument(int index) {
        double d = s.number(index);
        if (d == Math.rint(d) && Math.abs(d) < 1e15 && (d != 0 || 1 / d > 0)) { // -0.0 prints as "-0"
            return Long.toString((long) d).getBytes(StandardCharsets.US_ASCII);
        }
        s.getField(LuaState.GLOBALS, "string");
        s.getField(-1, "format");
        s.push("%.17g");
        s.pushValue(index);
        s.pcall(2, 1, 0);
        byte[] text = s.bytes(-1);
        s.pop(2);
        return text;
    }

    private int sha1hex() {
        if (s.top() != 1) {
            return raise("ERR wrong number of arguments");
        }
        byte[] data = s.bytes(1);
        s.top(0);
        s.push(sha1Hex(data == null ? new byte[0] : data));
        return 1;
    }

    public static String sha1Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private int log() {
        int n = s.top();
        if (n < 2) {
            return raise("ERR redis.log() requires two arguments or more.");
        }
        if (s.type(1) != LuaState.TNUMBER) {
            return raise("ERR First argument must be a number");
        }
        int level = (int) s.number(1);
        if (level < 0 || level > 3) {
            return raise("ERR Invalid debug level.");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 2; i <= n; i++) {
            if (i > 2) {
                text.append(' ');
            }
            text.append(s.string(i));
        }
        s.top(0);
        if (host != null) {
            host.log(level, text.toString());
        } else if (level >= 2) { // FUNCTION LOAD runs library code outside any script run
            System.err.println("larder function load: " + text);
        }
        return 0;
    }

    private int setResp() {
        if (s.top() != 1) {
            return raise("ERR redis.setresp() requires one argument.");
        }
        long version = (long) s.number(1);
        if (version != 2 && version != 3) {
            return raise("ERR RESP version must be 2 or 3.");
        }
        protocol = (int) version;
        s.top(0);
        return 0;
    }

    private int setRepl() {
        if (s.top() != 1) {
            return raise("ERR redis.set_repl() requires one argument.");
        }
        long flags = (long) s.number(1);
        if (flags < 0 || flags > 3) {
            return raise("ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        }
        s.top(0);
        return 0;
    }

    // ---- Lua value -> RESP reply ----

    /** Writes the Lua value at {@code index} (negative: from the top) as Redis converts a script's result. */
    private void writeValue(int index, ReplyWriter out) {
        int abs = index < 0 ? s.top() + index + 1 : index;
        // Redis's check, before any value: a self-referencing table nests until Lua's stack (8,000 slots) is full.
        if (!s.checkStack(4)) {
            out.error("ERR reached lua stack limit");
            return;
        }
        switch (s.type(abs)) {
            case LuaState.TSTRING -> out.bulk(s.bytes(abs));
            case LuaState.TBOOLEAN -> {
                // Booleans follow the script's redis.setresp, not the client's protocol (as Redis).
                boolean b = s.bool(abs);
                if (protocol == 3) {
                    out.bool(b);
                } else if (b) {
                    out.integer(1);
                } else {
                    out.nullBulk();
                }
            }
            case LuaState.TNUMBER -> out.integer(toLong(s.number(abs)));
            case LuaState.TTABLE -> writeTable(abs, out);
            default -> out.nullBulk();
        }
    }

    /** C's (long long) cast on x86: NaN and out-of-range values become Long.MIN_VALUE. */
    static long toLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private void writeTable(int t, ReplyWriter out) {
        s.rawGetField(t, "err");
        if (s.type(-1) == LuaState.TSTRING) {
            out.error(oneLine(s.string(-1)));
            s.pop(1);
            return;
        }
        s.pop(1);
        s.rawGetField(t, "ok");
        if (s.type(-1) == LuaState.TSTRING) {
            out.simple(oneLine(s.string(-1)));
            s.pop(1);
            return;
        }
        s.pop(1);
        s.rawGetField(t, "double");
        if (s.type(-1) == LuaState.TNUMBER) {
            out.doubleValue(DoubleFormat.reply(s.number(-1)));
            s.pop(1);
            return;
        }
        s.pop(1);
        s.rawGetField(t, "big_number");
        if (s.type(-1) == LuaState.TSTRING) {
            byte[] digits = s.bytes(-1);
            s.pop(1);
            if (out.resp3()) {
                out.raw(("(" + new String(digits, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.bulk(digits);
            }
            return;
        }
        s.pop(1);
        s.rawGetField(t, "map");
        if (s.type(-1) == LuaState.TTABLE) {
            int m = s.top();
            out.map(countPairs(m));
            s.pushNil();
            while (s.next(m)) {
                s.pushValue(-2); // converted from a copy of the key, as Redis does (same stack depth)
                writeValue(-1, out);
                s.pop(1);
                writeValue(-1, out);
                s.pop(1);
            }
            s.pop(1);
            return;
        }
        s.pop(1);
        s.rawGetField(t, "set");
        if (s.type(-1) == LuaState.TTABLE) {
            int m = s.top();
            out.set(countPairs(m));
            s.pushNil();
            while (s.next(m)) {
                writeValue(-2, out);
                s.pop(1);
            }
            s.pop(1);
            return;
        }
        s.pop(1);
        s.rawGetField(t, "verbatim_string");
        if (s.type(-1) == LuaState.TTABLE) {
            int v = s.top();
            s.rawGetField(v, "format");
            s.rawGetField(v, "string");
            if (s.type(-2) == LuaState.TSTRING && s.type(-1) == LuaState.TSTRING) {
                out.verbatim(s.string(-2), s.string(-1));
                s.pop(3);
                return;
            }
            s.pop(2);
        }
        s.pop(1);
        int n = 0;
        while (true) {
            s.rawGetIndex(t, n + 1);
            boolean nil = s.type(-1) == LuaState.TNIL;
            s.pop(1);
            if (nil) {
                break;
            }
            n++;
        }
        out.array(n);
        for (int i = 1; i <= n; i++) {
            s.rawGetIndex(t, i);
            writeValue(-1, out);
            s.pop(1);
        }
    }

    private int countPairs(int table) {
        int n = 0;
        s.pushNil();
        while (s.next(table)) {
            n++;
            s.pop(1);
        }
        return n;
    }

    /** Memory used by the interpreter, in bytes. */
    public long memory() {
        return s.memory();
    }

    @Override
    public void close() {
        s.close();
    }
}
