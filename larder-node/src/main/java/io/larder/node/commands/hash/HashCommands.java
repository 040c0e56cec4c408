package io.larder.node.commands.hash;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;

/** The hash family: registration with Redis's metadata; the commands live in this package's classes. */
public final class HashCommands {
    private HashCommands() {
    }

    public static void register(CommandTable table) {
        table.register(spec("hset", -4, "write denyoom fast", "write hash fast", "RW update", "2.0.0",
                "Sets fields of a hash, creating the key when missing", HashWrites::hset).build());
        table.register(spec("hmset", -4, "write denyoom fast", "write hash fast", "RW update", "2.0.0",
                "Sets fields of a hash (the old form of HSET, replying OK)", HashWrites::hmset).build());
        table.register(spec("hsetnx", 4, "write denyoom fast", "write hash fast", "RW insert", "2.0.0",
                "Sets a field of a hash only when the field is absent", HashWrites::hsetnx).build());
        table.register(spec("hdel", -3, "write fast", "write hash fast", "RW delete", "2.0.0",
                "Removes fields from a hash, deleting the key when it empties", HashWrites::hdel).build());
        table.register(spec("hincrby", 4, "write denyoom fast", "write hash fast", "RW access update", "2.0.0",
                "Adds an integer to the integer value of a hash field", HashWrites::hincrby).build());
        table.register(spec("hincrbyfloat", 4, "write denyoom fast", "write hash fast", "RW access update", "2.6.0",
                "Adds a decimal number to the numeric value of a hash field", HashWrites::hincrbyfloat).build());
        table.register(spec("hget", 3, "readonly fast", "read hash fast", "RO access", "2.0.0",
                "Returns the value of a hash field", HashReads::hget).build());
        table.register(spec("hmget", -3, "readonly fast", "read hash fast", "RO access", "2.0.0",
                "Returns the values of several hash fields", HashReads::hmget).build());
        table.register(spec("hexists", 3, "readonly fast", "read hash fast", "RO", "2.0.0",
                "Tells whether a field exists in a hash", HashReads::hexists).build());
        table.register(spec("hlen", 2, "readonly fast", "read hash fast", "RO", "2.0.0",
                "Returns the number of fields of a hash", HashReads::hlen).build());
        table.register(spec("hstrlen", 3, "readonly fast", "read hash fast", "RO", "3.2.0",
                "Returns the length of the value of a hash field", HashReads::hstrlen).build());
        table.register(spec("hkeys", 2, "readonly", "read hash slow", "RO access", "2.0.0",
                "Returns every field of a hash", HashReads::hkeys).tips("nondeterministic_output_order").build());
        table.register(spec("hvals", 2, "readonly", "read hash slow", "RO access", "2.0.0",
                "Returns every value of a hash", HashReads::hvals).tips("nondeterministic_output_order").build());
        table.register(spec("hgetall", 2, "readonly", "read hash slow", "RO access", "2.0.0",
                "Returns every field and value of a hash", HashReads::hgetall)
                .tips("nondeterministic_output_order").build());
        table.register(spec("hrandfield", -2, "readonly", "read hash slow", "RO access", "6.2.0",
                "Returns random fields of a hash, optionally with their values", HashReads::hrandfield)
                .tips("nondeterministic_output").build());
        table.register(spec("hscan", -3, "readonly", "read hash slow", "RO access", "2.8.0",
                "Iterates over the fields and values of a hash", HashReads::hscan)
                .tips("nondeterministic_output").build());
    }

    /** A command on the single key at position 1. */
    private static CommandSpec.Builder spec(String name, int arity, String flags, String acl, String keyFlags,
                                            String since, String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl)
                .singleKey(keyFlags).group("hash").since(since).summary(summary)
                .handler(handler);
    }
}
