package io.larder.node.commands.string;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;

/** The string family: registration with Redis's metadata; the commands live in this package's classes. */
public final class StringCommands {
    private StringCommands() {
    }

    public static void register(CommandTable table) {
        table.register(spec("get", 2, "readonly fast", "read string fast", "RO access", "1.0.0",
                "Returns the string value of a key", GetCommands::get));
        table.register(CommandSpec.builder("set", -3).flags("write denyoom").keys(1, 1, 1).acl("write string slow")
                .keySpecs(key("RW access update variable_flags")
                        .withNotes("RW and ACCESS due to the optional `GET` argument"))
                .keyFlags(StringCommands::setKeyFlags).group("string").since("1.0.0")
                .summary("Sets the string value of a key, with options for expiry, conditions and the old value")
                .handler(SetCommands::set).build());
        table.register(spec("getex", -2, "write fast", "write string fast",
                key("RW access update").withNotes("RW and UPDATE because it changes the TTL"), "6.2.0",
                "Returns the string value of a key and changes or removes its expiry", GetCommands::getex));
        table.register(spec("getdel", 2, "write fast", "write string fast", "RW access delete", "6.2.0",
                "Returns the string value of a key and deletes the key", GetCommands::getdel));
        table.register(spec("getset", 3, "write denyoom fast", "write string fast", "RW access update", "1.0.0",
                "Sets a new string value and returns the old one", SetCommands::getset));
        table.register(spec("setnx", 3, "write denyoom fast", "write string fast", "OW insert", "1.0.0",
                "Sets the string value of a key only when the key does not exist", SetCommands::setnx));
        table.register(spec("setex", 4, "write denyoom", "write string slow", "OW update", "2.0.0",
                "Sets the string value and the expiry of a key in seconds", SetCommands::setex));
        table.register(spec("psetex", 4, "write denyoom", "write string slow", "OW update", "2.6.0",
                "Sets the string value and the expiry of a key in milliseconds", SetCommands::psetex));
        table.register(CommandSpec.builder("mget", -2).flags("readonly fast").keys(1, -1, 1)
                .acl("read string fast").tips("request_policy:multi_shard")
                .keySpecs(KeySpec.range("RO access", 1, -1, 1, 0)).group("string").since("1.0.0")
                .summary("Returns the string values of several keys").complexity("O(N) where N is the number of keys")
                .handler(GetCommands::mget).build());
        table.register(CommandSpec.builder("mset", -3).flags("write denyoom").keys(1, -1, 2)
                .acl("write string slow").tips("request_policy:multi_shard", "response_policy:all_succeeded")
                .keySpecs(KeySpec.range("OW update", 1, -1, 2, 0)).group("string").since("1.0.1")
                .summary("Sets the string values of several keys").complexity("O(N) where N is the number of keys")
                .handler(SetCommands::mset).build());
        // Redis 7.2 dropped MSETNX's multi-shard tips (#12417): splitting it across shards breaks its atomicity.
        table.register(CommandSpec.builder("msetnx", -3).flags("write denyoom").keys(1, -1, 2)
                .acl("write string slow")
                .keySpecs(KeySpec.range("OW insert", 1, -1, 2, 0)).group("string").since("1.0.1")
                .summary("Sets several keys only when none of them exists")
                .complexity("O(N) where N is the number of keys").handler(SetCommands::msetnx).build());
        table.register(spec("append", 3, "write denyoom fast", "write string fast", "RW insert", "2.0.0",
                "Appends a string to the value of a key, creating the key when missing", EditCommands::append));
        table.register(spec("strlen", 2, "readonly fast", "read string fast", "RO", "2.2.0",
                "Returns the length of a string value", GetCommands::strlen));
        table.register(spec("incr", 2, "write denyoom fast", "write string fast", "RW access update", "1.0.0",
                "Adds one to the integer value of a key", CounterCommands::incr));
        table.register(spec("decr", 2, "write denyoom fast", "write string fast", "RW access update", "1.0.0",
                "Subtracts one from the integer value of a key", CounterCommands::decr));
        table.register(spec("incrby", 3, "write denyoom fast", "write string fast", "RW access update", "1.0.0",
                "Adds an integer to the integer value of a key", CounterCommands::incrby));
        table.register(spec("decrby", 3, "write denyoom fast", "write string fast", "RW access update", "1.0.0",
                "Subtracts an integer from the integer value of a key", CounterCommands::decrby));
        table.register(spec("incrbyfloat", 3, "write denyoom fast", "write string fast", "RW access update",
                "2.6.0", "Adds a decimal number to the numeric value of a key", CounterCommands::incrbyfloat));
        table.register(spec("getrange", 4, "readonly", "read string slow", "RO access", "2.4.0",
                "Returns a substring of a string value", GetCommands::getrange));
        table.register(spec("substr", 4, "readonly", "read string slow", "RO access", "1.0.0",
                "Returns a substring of a string value (the old name of GETRANGE)", GetCommands::getrange));
        table.register(spec("setrange", 4, "write denyoom", "write string slow", "RW update", "2.2.0",
                "Overwrites part of a string value from an offset, padding with zero bytes",
                EditCommands::setrange));
        table.register(CommandSpec.builder("lcs", -3).flags("readonly").keys(1, 2, 1).acl("read string slow")
                .keySpecs(KeySpec.range("RO access", 1, 1, 1, 0)).group("string").since("7.0.0")
                .summary("Finds the longest common subsequence of two string values")
                .complexity("O(N*M) where N and M are the lengths of the two strings")
                .handler(LcsCommand::lcs).build());
    }

    /** A command on the single key at position 1. */
    private static CommandSpec spec(String name, int arity, String flags, String acl, String keyFlags, String since,
                                    String summary, Command handler) {
        return spec(name, arity, flags, acl, key(keyFlags), since, summary, handler);
    }

    private static CommandSpec spec(String name, int arity, String flags, String acl, KeySpec keySpec, String since,
                                    String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).keys(1, 1, 1).acl(acl)
                .keySpecs(keySpec).group("string").since(since).summary(summary)
                .handler(handler).build();
    }

    /** SET's key is only read with GET (Redis's setGetKeys): ACL write-only patterns allow a plain SET. */
    private static java.util.List<String> setKeyFlags(byte[][] args, int position) {
        for (int i = 3; i < args.length; i++) {
            String option = new String(args[i], java.nio.charset.StandardCharsets.US_ASCII);
            if (option.equalsIgnoreCase("get")) {
                return java.util.List.of("RW", "access", "update");
            }
            if (option.equalsIgnoreCase("ex") || option.equalsIgnoreCase("px") || option.equalsIgnoreCase("exat")
                    || option.equalsIgnoreCase("pxat")) {
                i++;
            }
        }
        return java.util.List.of("OW", "update");
    }

    /** The key spec of a single-key string command: the key at index 1. */
    private static KeySpec key(String flags) {
        return KeySpec.range(flags, 1, 0, 1, 0);
    }
}
