package io.larder.node.commands.server;

import io.larder.engine.util.Glob;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** COMMAND and its subcommands: the command table's introspection, from the same metadata the dispatcher uses. */
public final class CommandCommand {
    private CommandCommand() {
    }

    static CommandSpec build() {
        return CommandSpec.builder("command", -1).flags("loading stale").acl("slow connection")
                .tips("nondeterministic_output_order").group("server").since("2.8.13")
                .complexity("O(N) where N is the total number of Redis commands")
                .summary("Describes every command the server knows").handler(CommandCommand::all)
                .subcommand(sub("count", 2, "2.8.13", "O(1)", "Counts the commands the server knows")
                        .handler(CommandCommand::count))
                .subcommand(sub("docs", -2, "7.0.0", "O(N) where N is the number of commands to look up",
                        "Documents the named commands, or all of them").tips("nondeterministic_output_order")
                        .handler(CommandCommand::docs))
                .subcommand(sub("getkeys", -4, "2.8.13", "O(N) where N is the number of arguments to the command",
                        "Lists the keys a complete command line would access").handler((c, a) -> getKeys(c, a, false)))
                .subcommand(sub("getkeysandflags", -4, "7.0.0",
                        "O(N) where N is the number of arguments to the command",
                        "Lists the keys a complete command line would access, with their access flags")
                        .handler((c, a) -> getKeys(c, a, true)))
                .subcommand(sub("help", 2, "5.0.0", "O(1)", "Explains the COMMAND subcommands")
                        .handler(CommandCommand::help))
                .subcommand(sub("info", -2, "2.8.13", "O(N) where N is the number of commands to look up",
                        "Describes the named commands, or all of them").tips("nondeterministic_output_order")
                        .handler(CommandCommand::info))
                .subcommand(sub("list", -2, "7.0.0", "O(N) where N is the total number of Redis commands",
                        "Lists command names, optionally filtered").tips("nondeterministic_output_order")
                        .handler(CommandCommand::list))
                .build();
    }

    private static CommandSpec.Builder sub(String name, int arity, String since, String complexity, String summary) {
        return CommandSpec.builder(name, arity).flags("loading stale").acl("slow connection").group("server")
                .since(since).complexity(complexity).summary(summary);
    }

    private static void all(Client c, byte[][] args) {
        CommandTable table = c.node().commands();
        c.reply().array(table.size());
        table.all().forEach(spec -> CommandMetadata.writeInfo(c.reply(), spec));
    }

    private static void count(Client c, byte[][] args) {
        c.reply().integer(c.node().commands().size());
    }

    private static void info(Client c, byte[][] args) {
        if (args.length == 2) {
            all(c, args);
            return;
        }
        c.reply().array(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            CommandSpec spec = byFullName(c.node().commands(), args[i]);
            if (spec == null) {
                c.reply().nullBulk();
            } else {
                CommandMetadata.writeInfo(c.reply(), spec);
            }
        }
    }

    private static void docs(Client c, byte[][] args) {
        List<CommandSpec> found = new ArrayList<>();
        if (args.length == 2) {
            found.addAll(c.node().commands().all());
        } else {
            for (int i = 2; i < args.length; i++) {
                CommandSpec spec = byFullName(c.node().commands(), args[i]);
                if (spec != null) {
                    found.add(spec);
                }
            }
        }
        c.reply().map(found.size());
        for (CommandSpec spec : found) {
            c.reply().bulk(spec.fullName());
            CommandMetadata.writeDocs(c.reply(), spec);
        }
    }

    /** COMMAND LIST's filter, parsed once. */
    private record ListFilter(String type, String value) {
        boolean accepts(CommandSpec spec) {
            return switch (type) {
                case "aclcat" -> spec.aclCategories().stream().anyMatch(value::equalsIgnoreCase);
                case "pattern" -> Glob.matches(value.getBytes(StandardCharsets.UTF_8),
                        spec.fullName().getBytes(StandardCharsets.UTF_8), true);
                case "module" -> false; // no modules are loaded
                default -> true;
            };
        }
    }

    private static void list(Client c, byte[][] args) {
        ListFilter filter;
        if (args.length == 2) {
            filter = new ListFilter("none", "");
        } else if (args.length == 5 && text(args[2]).equalsIgnoreCase("filterby")) {
            String type = text(args[3]).toLowerCase(Locale.ROOT);
            if (!List.of("module", "aclcat", "pattern").contains(type)) {
                c.error(Errors.SYNTAX);
                return;
            }
            filter = new ListFilter(type, text(args[4]));
        } else {
            c.error(Errors.SYNTAX);
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : c.node().commands().all()) {
            collect(spec, filter, names);
        }
        c.reply().array(names.size());
        names.forEach(c.reply()::bulk);
    }

    private static void collect(CommandSpec spec, ListFilter filter, List<String> names) {
        if (filter.accepts(spec)) {
            names.add(spec.fullName());
        }
        spec.subcommands().values().forEach(sub -> collect(sub, filter, names));
    }

    private static void getKeys(Client c, byte[][] args, boolean withFlags) {
        byte[][] argv = Arrays.copyOfRange(args, 2, args.length);
        CommandSpec spec = c.node().commands().lookup(argv[0]);
        if (spec != null && !spec.subcommands().isEmpty() && argv.length >= 2) {
            spec = CommandTable.subcommand(spec, argv[1]);
        }
        if (spec == null) {
            c.error("ERR Invalid command specified");
            return;
        }
        if (spec.keySpecs().isEmpty() && spec.firstKey() <= 0 && !spec.hasFlag("movablekeys")) {
            c.error("ERR The command has no key arguments");
            return;
        }
        if (!spec.arityMatches(argv.length)) {
            c.error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<KeyRef> keys = KeyRef.find(spec, argv);
        if (keys.isEmpty()) {
            if (spec.hasFlag("no-mandatory-keys") || spec.hasFlag("no_mandatory_keys")) {
                c.reply().array(0);
            } else {
                c.error("ERR Invalid arguments specified for command");
            }
            return;
        }
        ReplyWriter out = c.reply();
        out.array(keys.size());
        for (KeyRef k : keys) {
            if (withFlags) {
                out.array(2);
                out.bulk(argv[k.position()]);
                List<String> flags = CommandMetadata.keyFlags(k.flags());
                out.set(flags.size());
                flags.forEach(out::simple);
            } else {
                out.bulk(argv[k.position()]);
            }
        }
    }

    /** One key of a command line: its position and the access flags of the key spec that found it. */
    public record KeyRef(int position, List<String> flags) {
        /**
         * Keys by the command's key specs, as Redis prefers; when a spec cannot describe the line (keys after
         * a count that is out of range, "unknown" specs, flags that vary with the arguments) by the legacy
         * positions or the command's key finder instead, with the command's {@code keyFlags} when it has them.
         */
        public static List<KeyRef> find(CommandSpec spec, byte[][] argv) {
            List<KeySpec> specs = spec.keySpecs();
            boolean variableFlags = specs.stream().anyMatch(ks -> ks.flags().contains("variable_flags"));
            List<KeyRef> bySpecs = new ArrayList<>();
            boolean complete = !specs.isEmpty() && !variableFlags;
            for (KeySpec ks : specs) {
                if (!evaluate(ks, argv, spec.arity(), bySpecs)) {
                    complete = false;
                }
            }
            if (complete) {
                return bySpecs;
            }
            List<String> fallbackFlags = specs.isEmpty() ? List.of() : specs.get(0).flags();
            List<KeyRef> out = new ArrayList<>();
            for (int p : spec.keyPositions(argv)) {
                if (p < argv.length) {
                    List<String> flags = spec.keyFlags() != null ? spec.keyFlags().flags(argv, p)
                            : bySpecs.stream().filter(k -> k.position() == p).findFirst()
                            .map(KeyRef::flags).orElse(fallbackFlags);
                    out.add(new KeyRef(p, flags));
                }
            }
            return out;
        }

        /** Adds the keys one spec finds; false when the spec cannot locate them in this line. */
        private static boolean evaluate(KeySpec ks, byte[][] argv, int arity, List<KeyRef> out) {
            int argc = argv.length;
            int first;
            switch (ks.beginType()) {
                case "index" -> first = ks.beginIndex();
                case "keyword" -> {
                    first = -1;
                    int from = ks.keywordStartFrom();
                    if (from >= 0) {
                        for (int i = from; i < argc; i++) {
                            if (text(argv[i]).equalsIgnoreCase(ks.beginKeyword())) {
                                first = i + 1;
                                break;
                            }
                        }
                    } else {
                        for (int i = argc + from; i > 0; i--) {
                            if (text(argv[i]).equalsIgnoreCase(ks.beginKeyword())) {
                                first = i + 1;
                                break;
                            }
                        }
                    }
                    if (first < 0) {
                        return true; // an optional keyword that is absent: no keys, not an error
                    }
                }
                default -> {
                    return false;
                }
            }
            int last;
            int step;
            switch (ks.findType()) {
                case "range" -> {
                    step = ks.keyStepOrFirstKey();
                    int lastKey = ks.lastKeyOrKeyNumIndex();
                    int limit = ks.limitOrKeyStep();
                    if (lastKey >= 0) {
                        last = first + lastKey;
                    } else if (limit == 0) {
                        last = argc + lastKey;
                    } else {
                        last = first + ((argc - first) / limit + lastKey);
                    }
                }
                case "keynum" -> {
                    step = ks.limitOrKeyStep();
                    int idx = ks.lastKeyOrKeyNumIndex();
                    if (idx >= argc - first) {
                        return false;
                    }
                    long numKeys;
                    try {
                        numKeys = io.larder.engine.util.Numbers.parseLong(argv[first + idx]);
                    } catch (io.larder.engine.util.Numbers.NotANumber e) {
                        return false;
                    }
                    if (numKeys < 0) {
                        return false;
                    }
                    first += ks.keyStepOrFirstKey();
                    last = (int) (first + numKeys - 1);
                }
                default -> {
                    return false;
                }
            }
            if (last >= argc || last < first || first >= argc) {
                return false;
            }
            for (int i = first; i <= last; i += step) {
                out.add(new KeyRef(i, ks.flags()));
            }
            return true;
        }
    }

    private static void help(Client c, byte[][] args) {
        Help.reply(c, "COMMAND",
                "(no subcommand)",
                "    Describe every command: name, arity, flags, key positions, ACL categories, tips, key specs.",
                "COUNT",
                "    Number of commands this server knows.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    Names of all commands, or of those matching the filter.",
                "INFO [<command-name> ...]",
                "    Describe the named commands (all when none is named).",
                "DOCS [<command-name> ...]",
                "    Documentation of the named commands (all when none is named).",
                "GETKEYS <full-command>",
                "    Keys a complete command line accesses.",
                "GETKEYSANDFLAGS <full-command>",
                "    Keys a complete command line accesses, with their access flags.");
    }

    /** Finds "get" or "config|get". */
    static CommandSpec byFullName(CommandTable table, byte[] name) {
        String s = text(name);
        int bar = s.indexOf('|');
        if (bar < 0) {
            return table.get(s);
        }
        CommandSpec parent = table.get(s.substring(0, bar));
        return parent == null ? null : parent.subcommands().get(s.substring(bar + 1).toLowerCase(Locale.ROOT));
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
