package io.larder.node.commands.config;

import io.larder.engine.util.Glob;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.commands.connection.Redaction;
import io.larder.node.config.ConfigException;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ConfigRewriter;
import io.larder.node.config.ServerConfig;
import io.larder.node.server.Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP. */
public final class ConfigCommand {
    /** Redis 7.2's text (7.0 said "Prints this help."). */
    private static final String[] HELP = {
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
            "HELP",
            "    Print this help."};

    /** Parameters whose values CONFIG SET keeps out of the slow log. */
    private static final java.util.Set<String> SENSITIVE = java.util.Set.of("requirepass", "masterauth",
            "tls-key-file-pass", "tls-client-key-file-pass");

    private ConfigCommand() {
    }

    public static void register(CommandTable table) {
        String admin = "admin noscript loading stale";
        table.register(CommandSpec.builder("config", -2).acl("slow").group("server").since("2.0.0")
                .summary("Reads or changes the server's configuration parameters")
                .subcommand(CommandSpec.builder("get", -3).flags(admin).acl("admin slow dangerous").group("server")
                        .since("2.0.0").summary("Returns the values of the parameters matching glob patterns")
                        .handler(ConfigCommand::get))
                .subcommand(CommandSpec.builder("set", -4).flags(admin).acl("admin slow dangerous")
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded").group("server")
                        .since("2.0.0").summary("Changes one or more parameters, all of them or none")
                        .handler(ConfigCommand::set))
                .subcommand(CommandSpec.builder("resetstat", 2).flags(admin).acl("admin slow dangerous")
                        .group("server").since("2.0.0").summary("Zeroes the statistics that INFO reports")
                        .handler(ConfigCommand::resetStat))
                .subcommand(CommandSpec.builder("rewrite", 2).flags(admin).acl("admin slow dangerous")
                        .group("server").since("2.8.0").summary("Writes the running configuration to the config file")
                        .handler(ConfigCommand::rewrite))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow").group("server")
                        .since("5.0.0").summary("Lists the CONFIG subcommands").handler(ConfigCommand::help))
                .build());
    }

    private static void get(Client c, byte[][] args) {
        ServerConfig config = c.node().config();
        // Keyed case-insensitively; an exact name is reported as the client spelled it, a glob by our names.
        Map<String, String[]> found = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String pattern = new String(args[i], StandardCharsets.UTF_8);
            if (!hasGlob(pattern)) {
                ConfigParam p = config.find(pattern);
                if (p != null) {
                    found.putIfAbsent(pattern.toLowerCase(Locale.ROOT), new String[]{pattern, p.shown()});
                }
                continue;
            }
            for (Map.Entry<String, ConfigParam> e : config.names().entrySet()) {
                if (Glob.matches(args[i], e.getKey().getBytes(StandardCharsets.UTF_8), true)) {
                    found.putIfAbsent(e.getKey(), new String[]{e.getKey(), e.getValue().shown()});
                }
            }
        }
        c.reply().map(found.size());
        for (String[] kv : found.values()) {
            c.reply().bulk(kv[0]);
            c.reply().bulk(kv[1]);
        }
    }

    private static boolean hasGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    /** Checks every pair before changing anything, then applies them all, undoing them if one is refused. */
    private static void set(Client c, byte[][] args) {
        if (args.length % 2 != 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        ServerConfig config = c.node().config();
        int n = (args.length - 2) / 2;
        ConfigParam[] params = new ConfigParam[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            String given = new String(args[2 + 2 * i], StandardCharsets.UTF_8);
            names[i] = given.toLowerCase(Locale.ROOT);
            params[i] = config.find(given);
            if (params[i] == null) {
                c.error("ERR Unknown option or number of arguments for CONFIG SET - '" + given + "'");
                return;
            }
            if (!params[i].mutable()) {
                c.error(failed(given, "can't set immutable config"));
                return;
            }
            if (params[i].protectedConfig() && !protectedAllowed(c)) {
                c.error(failed(given, "can't set protected config"));
                return;
            }
            if (params[i].denyLoading() && c.node().persistence().loading()) {
                // Turning the AOF on or off, or moving the files, in the middle of a load would act on part of the data.
                c.error("LOADING Redis is loading the dataset in memory");
                return;
            }
            for (int j = 0; j < i; j++) {
                if (names[j].equals(names[i])) {
                    c.error(failed(given, "duplicate parameter"));
                    return;
                }
            }
        }
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            String raw = new String(args[3 + 2 * i], StandardCharsets.UTF_8);
            if (SENSITIVE.contains(params[i].name())) {
                Redaction.redact(args, 3 + 2 * i);
            }
            try {
                values[i] = params[i].validate(raw);
            } catch (ConfigException e) {
                c.error(failed(names[i], e.getMessage()));
                return;
            }
        }
        List<String> previous = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            previous.add(params[i].text());
            try {
                params[i].setValidated(values[i]);
            } catch (ConfigException e) {
                for (int j = i - 1; j >= 0; j--) {
                    try {
                        params[j].setValidated(previous.get(j));
                    } catch (ConfigException ignored) {
                        // The old value was in effect a moment ago; nothing better can be done.
                    }
                }
                c.error(failed(names[i], e.getMessage()));
                return;
            }
        }
        String failure = applyAll(params);
        if (failure != null) {
            for (int j = n - 1; j >= 0; j--) {
                try {
                    params[j].setValidated(previous.get(j));
                } catch (ConfigException ignored) {
                    // as above
                }
            }
            applyAll(params); // the old values were in effect before; put them back
            c.error(failure);
            return;
        }
        c.reply().ok();
    }

    /** Runs each distinct apply function of the parameters once; the error of the first that fails, or null. */
    private static String applyAll(ConfigParam[] params) {
        List<ConfigParam.ConfigApply> done = new ArrayList<>();
        for (ConfigParam p : params) {
            ConfigParam.ConfigApply apply = p.apply();
            if (apply == null || done.contains(apply)) {
                continue;
            }
            done.add(apply);
            try {
                apply.apply();
            } catch (ConfigException e) {
                return failed(p.name(), e.getMessage());
            }
        }
        return null;
    }

    private static String failed(String name, String reason) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
    }

    /** enable-protected-configs: "yes" for everyone, "local" for loopback connections only. */
    private static boolean protectedAllowed(Client c) {
        return switch (c.node().config().enableProtectedConfigs.text()) {
            case "yes" -> true;
            case "local" -> c.channel().remoteAddress() instanceof InetSocketAddress a
                    && a.getAddress() != null && a.getAddress().isLoopbackAddress();
            default -> false;
        };
    }

    private static void resetStat(Client c, byte[][] args) {
        c.node().stats().reset();
        c.node().commands().all().forEach(CommandSpec::resetStats);
        c.reply().ok();
    }

    private static void rewrite(Client c, byte[][] args) {
        String file = c.node().config().configFile();
        if (file == null) {
            c.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewriter.rewrite(c.node().config(), java.nio.file.Path.of(file), c.node().acl().configUserLines());
            c.reply().ok();
        } catch (IOException e) {
            c.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    private static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }
}
