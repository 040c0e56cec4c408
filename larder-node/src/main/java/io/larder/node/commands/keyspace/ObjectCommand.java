package io.larder.node.commands.keyspace;

import io.larder.node.commands.ValueTypes;
import io.larder.engine.keyspace.Keyspace;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;

/** OBJECT ENCODING, FREQ, IDLETIME, REFCOUNT and HELP. None of them counts as an access to the key. */
final class ObjectCommand {
    private static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency "
            + "not tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
            + "some time to adjust.";
    private static final String[] HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };

    private ObjectCommand() {
    }

    static void register(CommandTable table) {
        table.register(CommandSpec.builder("object", -2).flags("").acl("slow").since("2.2.3")
                .summary("A container for object introspection commands")
                .subcommand(keyed("encoding", "2.2.3", "Returns the internal encoding of a value")
                        .handler(ObjectCommand::encoding))
                .subcommand(keyed("freq", "4.0.0", "Returns the logarithmic access frequency counter of a value")
                        .handler(ObjectCommand::freq))
                .subcommand(keyed("idletime", "2.2.3", "Returns the seconds since a value was last accessed")
                        .handler(ObjectCommand::idleTime))
                .subcommand(keyed("refcount", "2.2.3", "Returns the reference count of a value")
                        .handler(ObjectCommand::refcount))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("keyspace slow").since("6.2.0")
                        .summary("Returns helpful text about the different subcommands").handler(ObjectCommand::help))
                .build());
    }

    private static CommandSpec.Builder keyed(String name, String since, String summary) {
        return CommandSpec.builder(name, 3).flags("readonly").keys(2, 2, 1).acl("keyspace read slow")
                .tips("nondeterministic_output").keySpecs(KeySpec.range("RO", 2, 0, 1, 0)).since(since)
                .summary(summary);
    }

    /** The value of a live key without touching its access clock, or null after replying with a null. */
    private static Object lookup(Client c, byte[] key) {
        Object value = c.db().get(key, false);
        if (value == null) {
            c.reply().nullBulk();
        }
        return value;
    }

    private static void encoding(Client c, byte[][] args) {
        Object value = lookup(c, args[2]);
        if (value != null) {
            c.reply().bulk(ValueTypes.encoding(value));
        }
    }

    private static void freq(Client c, byte[][] args) {
        Object value = lookup(c, args[2]);
        if (value == null) {
            return;
        }
        if (!lfuPolicy(c)) {
            c.error(LFU_NOT_SELECTED);
            return;
        }
        c.reply().integer(c.node().keyspace().lfuDecayed(c.db().accessClock(args[2])));
    }

    private static void idleTime(Client c, byte[][] args) {
        Object value = lookup(c, args[2]);
        if (value == null) {
            return;
        }
        if (lfuPolicy(c)) {
            c.error(LFU_SELECTED);
            return;
        }
        Keyspace keyspace = c.node().keyspace();
        int accessed = c.db().accessClock(args[2]);
        int now = keyspace.lruClock();
        c.reply().integer(ValueTypes.idleSeconds(now, accessed));
    }

    private static void refcount(Client c, byte[][] args) {
        Object value = lookup(c, args[2]);
        if (value != null) {
            c.reply().integer(ValueTypes.refcount(value, ValueTypes.sharedIntegersAllowed(c.node().config())));
        }
    }

    private static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }

    private static String policy(Client c) {
        return c.node().config().find("maxmemory-policy").text();
    }

    private static boolean lfuPolicy(Client c) {
        return policy(c).endsWith("-lfu");
    }

}
