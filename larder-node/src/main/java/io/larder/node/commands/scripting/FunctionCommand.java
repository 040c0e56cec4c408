package io.larder.node.commands.scripting;

import io.larder.engine.util.Glob;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.scripting.Functions;
import io.larder.node.scripting.Scripting;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static io.larder.node.commands.scripting.ScriptingCommands.sub;

/** The FUNCTION container: libraries of Lua functions (Redis 7). */
public final class FunctionCommand {
    private static final String[] HELP = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };

    private FunctionCommand() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("function", -2).flags("").acl("slow").group("scripting").since("7.0.0")
                .summary("A container for function commands")
                .subcommand(sub("load", -3, "write denyoom noscript", "7.0.0", "Creates a library")
                        .acl("write slow scripting")
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .handler(FunctionCommand::load))
                .subcommand(sub("delete", 3, "write noscript", "7.0.0", "Deletes a library and its functions")
                        .acl("write slow scripting")
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .handler(FunctionCommand::delete))
                .subcommand(sub("flush", -2, "write noscript", "7.0.0", "Deletes all libraries and functions")
                        .acl("write slow scripting")
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .handler(FunctionCommand::flush))
                .subcommand(sub("list", -2, "noscript", "7.0.0", "Returns information about all libraries")
                        .tips("nondeterministic_output_order").handler(FunctionCommand::list))
                .subcommand(sub("kill", 2, "noscript allow_busy", "7.0.0", "Terminates a function during execution")
                        .tips("request_policy:all_shards", "response_policy:one_succeeded")
                        .handler((c, a) -> ScriptingCommands.kill(c, true)))
                .subcommand(sub("stats", 2, "noscript allow_busy", "7.0.0", "Returns information about a function during execution")
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .handler(FunctionCommand::stats))
                .subcommand(sub("dump", 2, "noscript", "7.0.0", "Dumps all libraries into a serialized binary payload")
                        .handler((c, a) -> c.reply().bulk(functions(c).dump())))
                .subcommand(sub("restore", -3, "write denyoom noscript", "7.0.0", "Restores all libraries from a payload")
                        .acl("write slow scripting")
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .handler(FunctionCommand::restore))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow scripting").group("scripting")
                        .since("7.0.0").summary("Returns helpful text about the different subcommands")
                        .handler((c, a) -> ScriptingCommands.help(c, HELP)))
                .build());
    }

    private static Functions functions(Client c) {
        return c.node().scripting().functions();
    }

    private static String upper(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    private static void load(Client c, byte[][] a) {
        boolean replace = false;
        int i = 2;
        for (; i < a.length - 1; i++) {
            if (upper(a[i]).equals("REPLACE")) {
                replace = true;
            } else {
                c.error("ERR Unknown option given: " + new String(a[i], StandardCharsets.UTF_8));
                return;
            }
        }
        try {
            c.reply().bulk(functions(c).load(a[a.length - 1], replace));
        } catch (Exception e) {
            c.error(e.getMessage());
        }
    }

    private static void restore(Client c, byte[][] a) {
        if (a.length > 4) {
            // Redis's subcommand syntax error: the subcommand as typed.
            c.error("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(a[1], StandardCharsets.UTF_8) + "'. Try FUNCTION HELP.");
            return;
        }
        String policy = a.length == 4 ? upper(a[3]) : "APPEND";
        if (!policy.equals("FLUSH") && !policy.equals("APPEND") && !policy.equals("REPLACE")) {
            c.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
        try {
            functions(c).restore(a[2], policy);
            c.reply().ok();
        } catch (Exception e) {
            c.error(e.getMessage());
        }
    }

    private static void delete(Client c, byte[][] a) {
        if (functions(c).delete(new String(a[2], StandardCharsets.UTF_8))) {
            c.reply().ok();
        } else {
            c.error("ERR Library not found");
        }
    }

    private static void flush(Client c, byte[][] a) {
        if (ScriptingCommands.flushMode(c, a, "FUNCTION FLUSH")) {
            functions(c).flush();
            c.reply().ok();
        }
    }

    private static void list(Client c, byte[][] a) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < a.length; i++) {
            String opt = upper(a[i]);
            if (opt.equals("WITHCODE") && !withCode) {
                withCode = true;
            } else if (opt.equals("LIBRARYNAME") && pattern == null) {
                if (i + 1 >= a.length) {
                    c.error("ERR library name argument was not given");
                    return;
                }
                pattern = a[++i];
            } else {
                c.error("ERR Unknown argument " + new String(a[i], StandardCharsets.UTF_8));
                return;
            }
        }
        List<Functions.Library> libs = functions(c).libraries();
        byte[] p = pattern;
        libs.removeIf(l -> p != null && !Glob.matches(p, l.name().getBytes(StandardCharsets.UTF_8), false));
        c.reply().array(libs.size());
        for (Functions.Library lib : libs) {
            c.reply().map(withCode ? 4 : 3);
            c.reply().bulk("library_name");
            c.reply().bulk(lib.name());
            c.reply().bulk("engine");
            c.reply().bulk("LUA");
            c.reply().bulk("functions");
            c.reply().array(lib.functions().size());
            for (Functions.Function f : lib.functions()) {
                c.reply().map(3);
                c.reply().bulk("name");
                c.reply().bulk(f.name());
                c.reply().bulk("description");
                if (f.description() == null) {
                    c.reply().nullBulk();
                } else {
                    c.reply().bulk(f.description());
                }
                c.reply().bulk("flags");
                c.reply().set(f.flags().size());
                for (String flag : f.flags()) {
                    c.reply().simple(flag);
                }
            }
            if (withCode) {
                c.reply().bulk("library_code");
                c.reply().bulk(lib.code());
            }
        }
    }

    private static void stats(Client c, byte[][] a) {
        Scripting scripting = c.node().scripting();
        if (scripting.runningScript()) {
            c.error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            return;
        }
        Scripting.RunningFunction running = scripting.runningFunction();
        c.reply().map(2);
        c.reply().bulk("running_script");
        if (running == null) {
            c.reply().nullBulk();
        } else {
            c.reply().map(3);
            c.reply().bulk("name");
            c.reply().bulk(running.name());
            c.reply().bulk("command");
            c.reply().array(running.command().length);
            for (byte[] arg : running.command()) {
                c.reply().bulk(arg);
            }
            c.reply().bulk("duration_ms");
            c.reply().integer(running.millis());
        }
        c.reply().bulk("engines");
        c.reply().map(1);
        c.reply().bulk("LUA");
        c.reply().map(2);
        c.reply().bulk("libraries_count");
        c.reply().integer(functions(c).libraries().size());
        c.reply().bulk("functions_count");
        c.reply().integer(functions(c).libraries().stream().mapToInt(l -> l.functions().size()).sum());
    }

}
