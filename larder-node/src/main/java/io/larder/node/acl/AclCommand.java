package io.larder.node.acl;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.commands.connection.Redaction;
import io.larder.node.commands.server.Help;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** ACL and its subcommands. */
public final class AclCommand {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ADMIN = "admin noscript loading stale";
    private static final String ADMIN_ACL = "admin slow dangerous";

    private AclCommand() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("acl", -2).acl("slow").group("server").since("6.0.0")
                .summary("Manages users and their permissions")
                .subcommand(sub("cat", -2, "noscript loading stale", "slow", "6.0.0",
                        "Lists the categories, or the commands of one", AclCommand::cat))
                .subcommand(sub("deluser", -3, ADMIN, ADMIN_ACL, "6.0.0", "Deletes users", AclCommand::delUser))
                .subcommand(sub("dryrun", -4, ADMIN, ADMIN_ACL, "7.0.0",
                        "Tells whether a user may run a command, without running it", AclCommand::dryRun))
                .subcommand(sub("genpass", -2, "noscript loading stale", "slow", "6.0.0",
                        "Makes a random password", AclCommand::genPass))
                .subcommand(sub("getuser", 3, ADMIN, ADMIN_ACL, "6.0.0", "Describes a user's rules",
                        AclCommand::getUser))
                .subcommand(sub("help", 2, "loading stale", "slow", "6.0.0", "Lists the ACL subcommands",
                        AclCommand::help))
                .subcommand(sub("list", 2, ADMIN, ADMIN_ACL, "6.0.0", "Lists the users as ACL file lines",
                        AclCommand::list))
                .subcommand(sub("load", 2, ADMIN, ADMIN_ACL, "6.0.0", "Reloads the users from the ACL file",
                        AclCommand::load))
                .subcommand(sub("log", -2, ADMIN, ADMIN_ACL, "6.0.0", "Shows or clears the recent denials",
                        AclCommand::log))
                .subcommand(sub("save", 2, ADMIN, ADMIN_ACL, "6.0.0", "Writes the users to the ACL file",
                        AclCommand::save))
                .subcommand(sub("setuser", -3, ADMIN, ADMIN_ACL, "6.0.0", "Creates or changes a user",
                        AclCommand::setUser))
                .subcommand(sub("users", 2, ADMIN, ADMIN_ACL, "6.0.0", "Lists the user names", AclCommand::users))
                .subcommand(sub("whoami", 2, "noscript loading stale", "slow", "6.0.0",
                        "Names this connection's user", AclCommand::whoAmI))
                .build());
    }

    private static CommandSpec.Builder sub(String name, int arity, String flags, String acl, String since,
                                           String summary, io.larder.node.command.Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl).group("server").since(since)
                .summary(summary).handler(handler);
    }

    private static String text(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }

    private static void setUser(Client c, byte[][] args) {
        String name = text(args[2]);
        if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
            c.error("ERR Usernames can't contain spaces or null characters");
            return;
        }
        List<String> rules = new ArrayList<>(args.length - 3);
        for (int i = 3; i < args.length; i++) {
            rules.add(text(args[i]));
        }
        // As Redis: the user name and rules (passwords) never reach SLOWLOG or MONITOR.
        for (int i = 2; i < args.length; i++) {
            Redaction.redact(args, i);
        }
        try {
            c.node().acl().setUser(c, name, rules);
        } catch (AclException e) {
            c.error("ERR " + e.getMessage());
            return;
        }
        c.reply().ok();
    }

    private static void getUser(Client c, byte[][] args) {
        User u = c.node().acl().user(text(args[2]));
        ReplyWriter out = c.reply();
        if (u == null) {
            out.nullBulk();
            return;
        }
        User.Rules r = u.rules();
        out.map(6);
        out.bulk("flags");
        List<String> flags = r.flags();
        out.array(flags.size());
        flags.forEach(out::bulk);
        out.bulk("passwords");
        out.array(r.passwords.size());
        r.passwords.forEach(out::bulk);
        describeSelector(out, r.root);
        out.bulk("selectors");
        out.array(r.selectors.size());
        for (Selector s : r.selectors) {
            out.map(3);
            describeSelector(out, s);
        }
    }

    private static void describeSelector(ReplyWriter out, Selector s) {
        out.bulk("commands");
        out.bulk(s.describeCommands());
        out.bulk("keys");
        out.bulk(s.describeKeys());
        out.bulk("channels");
        out.bulk(s.describeChannels());
    }

    private static void delUser(Client c, byte[][] args) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            names.add(text(args[i]));
        }
        try {
            c.reply().integer(c.node().acl().deleteUsers(c, names));
        } catch (AclException e) {
            c.error("ERR " + e.getMessage());
        }
    }

    private static void list(Client c, byte[][] args) {
        List<String> lines = c.node().acl().describeAll();
        c.reply().array(lines.size());
        lines.forEach(c.reply()::bulk);
    }

    private static void users(Client c, byte[][] args) {
        List<User> users = List.copyOf(c.node().acl().users());
        c.reply().array(users.size());
        users.forEach(u -> c.reply().bulk(u.name()));
    }

    private static void whoAmI(Client c, byte[][] args) {
        c.reply().bulk(c.user());
    }

    private static void cat(Client c, byte[][] args) {
        if (args.length > 3) {
            wrongArguments(c, args);
            return;
        }
        if (args.length == 2) {
            c.reply().array(CommandIndex.CATEGORIES.size());
            CommandIndex.CATEGORIES.forEach(c.reply()::bulk);
            return;
        }
        String category = text(args[2]).toLowerCase(Locale.ROOT);
        if (!CommandIndex.CATEGORIES.contains(category)) {
            c.error("ERR Unknown category '" + text(args[2]) + "'");
            return;
        }
        List<CommandSpec> specs = c.node().acl().index().inCategory(category);
        c.reply().array(specs.size());
        specs.forEach(s -> c.reply().bulk(s.fullName()));
    }

    private static void genPass(Client c, byte[][] args) {
        if (args.length > 3) {
            wrongArguments(c, args);
            return;
        }
        long bits = 256;
        if (args.length == 3) {
            try {
                bits = Numbers.parseLong(args[2]);
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
            if (bits <= 0 || bits > 4096) {
                c.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                        + "number up to 4096");
                return;
            }
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] random = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(random);
        c.reply().bulk(HexFormat.of().formatHex(random).substring(0, chars));
    }

    private static void log(Client c, byte[][] args) {
        if (args.length > 3) {
            wrongArguments(c, args);
            return;
        }
        long count = 10;
        if (args.length == 3) {
            if (text(args[2]).equalsIgnoreCase("reset")) {
                c.node().acl().log().reset();
                c.reply().ok();
                return;
            }
            try {
                count = Math.max(0, Numbers.parseLong(args[2]));
            } catch (Numbers.NotANumber e) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
        }
        AclLog log = c.node().acl().log();
        long now = log.now();
        List<AclLog.Entry> entries = log.newest(count);
        ReplyWriter out = c.reply();
        out.array(entries.size());
        for (AclLog.Entry e : entries) {
            out.map(10);
            out.bulk("count");
            out.integer(e.count);
            out.bulk("reason");
            out.bulk(e.reason);
            out.bulk("context");
            out.bulk(e.context);
            out.bulk("object");
            out.bulk(e.object);
            out.bulk("username");
            out.bulk(e.username);
            out.bulk("age-seconds");
            out.doubleValue(ageSeconds(now - e.createdMillis));
            out.bulk("client-info");
            out.bulk(e.clientInfo);
            out.bulk("entry-id");
            out.integer(e.entryId);
            out.bulk("timestamp-created");
            out.integer(e.createdMillis);
            out.bulk("timestamp-last-updated");
            out.integer(e.updatedMillis);
        }
    }

    /** Seconds with millisecond precision, formatted as Redis's %.17g double reply would be for such values. */
    static String ageSeconds(long millis) {
        return io.larder.engine.util.DoubleFormat.reply(millis / 1000.0);
    }

    private static void dryRun(Client c, byte[][] args) {
        User u = c.node().acl().user(text(args[2]));
        if (u == null) {
            c.error("ERR User '" + text(args[2]) + "' not found");
            return;
        }
        byte[][] command = Arrays.copyOfRange(args, 3, args.length);
        CommandSpec spec = c.node().commands().lookup(command[0]);
        if (spec != null && !spec.subcommands().isEmpty() && command.length >= 2) {
            spec = CommandTable.subcommand(spec, command[1]);
        }
        if (spec == null) {
            c.error("ERR Command '" + text(command[0]) + "' not found");
            return;
        }
        if (!spec.arityMatches(command.length)) {
            c.error("ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return;
        }
        String denial = c.node().acl().dryRun(u, spec, command);
        if (denial == null) {
            c.reply().ok();
        } else {
            c.reply().bulk(denial);
        }
    }

    private static void save(Client c, byte[][] args) {
        try {
            c.node().acl().save();
            c.reply().ok();
        } catch (AclException e) {
            c.error("ERR " + e.getMessage());
        }
    }

    private static void load(Client c, byte[][] args) {
        try {
            c.node().acl().load(c);
            c.reply().ok();
        } catch (AclException e) {
            c.error("ERR " + e.getMessage());
        }
    }

    /** Redis quotes the subcommand as the client spelled it. */
    private static void wrongArguments(Client c, byte[][] args) {
        c.error("ERR unknown subcommand or wrong number of arguments for '" + text(args[1]) + "'. Try ACL HELP.");
    }

    private static void help(Client c, byte[][] args) {
        Help.reply(c, "ACL",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }
}
