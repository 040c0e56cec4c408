package io.larder.node.commands.scripting;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.command.KeyFinders;
import io.larder.node.commands.Errors;
import io.larder.node.scripting.Functions;
import io.larder.node.scripting.Scripting;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL, FCALL_RO, and the SCRIPT container. FUNCTION is in {@link FunctionCommand}. */
public final class ScriptingCommands {
    private static final String RW_NOTES = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
    private static final String RO_NOTES = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
    private static final String[] SCRIPT_HELP = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };

    private ScriptingCommands() {
    }

    public static void register(CommandTable table) {
        table.register(eval("eval", "noscript stale skip_monitor no_mandatory_keys movablekeys", "2.6.0",
                "Executes a server-side Lua script", (c, a) -> eval(c, a, false, false)).build());
        table.register(eval("evalsha", "noscript stale skip_monitor no_mandatory_keys movablekeys", "2.6.0",
                "Executes a server-side Lua script by SHA1 digest", (c, a) -> eval(c, a, true, false)).build());
        table.register(eval("eval_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", "7.0.0",
                "Executes a read-only server-side Lua script", (c, a) -> eval(c, a, false, true)).build());
        table.register(eval("evalsha_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", "7.0.0",
                "Executes a read-only server-side Lua script by SHA1 digest", (c, a) -> eval(c, a, true, true)).build());
        table.register(eval("fcall", "noscript stale skip_monitor no_mandatory_keys movablekeys", "7.0.0",
                "Invokes a function", (c, a) -> fcall(c, a, false)).build());
        table.register(eval("fcall_ro", "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", "7.0.0",
                "Invokes a read-only function", (c, a) -> fcall(c, a, true)).build());
        table.register(CommandSpec.builder("script", -2).flags("").acl("slow").group("scripting").since("2.6.0")
                .summary("A container for Lua scripts management commands")
                .subcommand(sub("debug", 3, "noscript", "3.2.0", "Sets the debug mode of server-side Lua scripts")
                        .handler(ScriptingCommands::debug))
                .subcommand(sub("exists", -3, "noscript", "2.6.0", "Determines whether server-side Lua scripts exist in the script cache")
                        .tips("request_policy:all_shards", "response_policy:agg_logical_and")
                        .handler(ScriptingCommands::exists))
                .subcommand(sub("flush", -2, "noscript", "2.6.0", "Removes all server-side Lua scripts from the script cache")
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .handler(ScriptingCommands::flush))
                .subcommand(sub("kill", 2, "noscript allow_busy", "2.6.0", "Terminates a server-side Lua script during execution")
                        .tips("request_policy:all_shards", "response_policy:one_succeeded")
                        .handler((c, a) -> kill(c, false)))
                .subcommand(sub("load", 3, "noscript stale", "2.6.0", "Loads a server-side Lua script to the script cache")
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .handler(ScriptingCommands::load))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow scripting").group("scripting")
                        .since("5.0.0").summary("Returns helpful text about the different subcommands")
                        .handler((c, a) -> help(c, SCRIPT_HELP)))
                .build());
    }

    private static CommandSpec.Builder eval(String name, String flags, String since, String summary,
                                            io.larder.node.command.Command handler) {
        boolean readOnly = name.endsWith("_ro");
        return CommandSpec.builder(name, -3).flags(flags).acl("slow scripting").group("scripting").since(since)
                .summary(summary).keySpecs(KeySpec.keynum(readOnly ? "RO access" : "RW access update", 2, 0, 1, 1)
                        .withNotes(name.startsWith("evalsha") ? null : readOnly ? RO_NOTES : RW_NOTES))
                .keyFinder(KeyFinders.numKeys(2)).handler(handler);
    }

    static CommandSpec.Builder sub(String name, int arity, String flags, String since, String summary) {
        return CommandSpec.builder(name, arity).flags(flags).acl("slow scripting").group("scripting").since(since)
                .summary(summary);
    }

    static void help(Client c, String[] lines) {
        c.reply().array(lines.length);
        for (String line : lines) {
            c.reply().simple(line);
        }
    }

    private static Scripting scripting(Client c) {
        return c.node().scripting();
    }

    /** numkeys, KEYS and ARGV, or null after replying with Redis's error. */
    private static byte[][][] keysAndArgs(Client c, byte[][] a, boolean function) {
        long numKeys;
        try {
            numKeys = Numbers.parseLong(a[2]);
        } catch (Numbers.NotANumber e) {
            c.error(function ? "ERR Bad number of keys provided" : Errors.NOT_INTEGER);
            return null;
        }
        if (numKeys > a.length - 3) {
            c.error("ERR Number of keys can't be greater than number of args");
            return null;
        }
        if (numKeys < 0) {
            c.error("ERR Number of keys can't be negative");
            return null;
        }
        int n = (int) numKeys;
        return new byte[][][] {Arrays.copyOfRange(a, 3, 3 + n), Arrays.copyOfRange(a, 3 + n, a.length)};
    }

    private static void eval(Client c, byte[][] a, boolean bySha, boolean readOnly) {
        byte[][][] ka = keysAndArgs(c, a, false);
        if (ka == null) {
            return;
        }
        Scripting s = scripting(c);
        String sha;
        byte[] body = null;
        if (bySha) {
            sha = new String(a[1], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (a[1].length != 40 || !s.cached(sha)) {
                c.error("NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
        } else {
            body = a[1];
            sha = Scripting.sha1(body);
        }
        s.submit(c, new Scripting.Invocation("f_" + sha, sha, body, ka[0], ka[1], readOnly, false, a));
    }

    private static void fcall(Client c, byte[][] a, boolean readOnly) {
        byte[][][] ka = keysAndArgs(c, a, true);
        if (ka == null) {
            return;
        }
        String name = new String(a[1], StandardCharsets.UTF_8);
        Functions.Function f = scripting(c).functions().function(name);
        if (f == null) {
            c.error("ERR Function not found");
            return;
        }
        if (readOnly && !f.flags().contains("no-writes")) {
            c.error("ERR Can not execute a script with write flag using *_ro command.");
            return;
        }
        scripting(c).submit(c, new Scripting.Invocation(f.library() + "." + name, name, null, ka[0], ka[1], readOnly, true, a));
    }

    /** SCRIPT DEBUG: NO is accepted; the Lua debugger (YES, SYNC) is not implemented. */
    private static void debug(Client c, byte[][] a) {
        switch (ascii(a[2])) {
            case "NO" -> c.reply().ok();
            case "YES", "SYNC" -> c.error("ERR SCRIPT DEBUG (the Lua debugger) is not supported by Larder");
            default -> c.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private static void exists(Client c, byte[][] a) {
        c.reply().array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            String sha = new String(a[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            c.reply().integer(scripting(c).cached(sha) ? 1 : 0);
        }
    }

    static boolean flushMode(Client c, byte[][] a, String command) {
        if (a.length > 3 || a.length == 3 && !ascii(a[2]).equals("SYNC") && !ascii(a[2]).equals("ASYNC")) {
            c.error("ERR " + command + (command.startsWith("SCRIPT") ? " only support" : " only supports") + " SYNC|ASYNC option");
            return false;
        }
        return true;
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    private static void flush(Client c, byte[][] a) {
        if (flushMode(c, a, "SCRIPT FLUSH")) {
            scripting(c).flush();
            c.reply().ok();
        }
    }

    static void kill(Client c, boolean function) {
        String error = scripting(c).kill(function);
        if (error != null) {
            c.error(error);
        } else {
            c.reply().ok();
        }
    }

    private static void load(Client c, byte[][] a) {
        String[] sha = new String[1];
        String error = scripting(c).load(a[2], sha);
        if (error != null) {
            c.error(error);
        } else {
            c.reply().bulk(sha[0]);
        }
    }
}
