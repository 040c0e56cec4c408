package io.larder.node.commands.set;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.command.KeyFinders;

/** The set family: registration with Redis's metadata; the commands live in this package's classes. */
public final class SetCommands {
    private SetCommands() {
    }

    public static void register(CommandTable table) {
        table.register(spec("sadd", -3, "write denyoom fast", "write set fast", "RW insert", "1.0.0",
                "Adds members to a set, creating the key when missing", SetWrites::sadd).build());
        table.register(spec("srem", -3, "write fast", "write set fast", "RW delete", "1.0.0",
                "Removes members from a set, deleting the key when it empties", SetWrites::srem).build());
        table.register(spec("spop", -2, "write fast", "write set fast", "RW access delete", "1.0.0",
                "Removes and returns random members of a set", SetWrites::spop)
                .tips("nondeterministic_output").build());
        table.register(spec("sismember", 3, "readonly fast", "read set fast", "RO", "1.0.0",
                "Tells whether a value is a member of a set", SetReads::sismember).build());
        table.register(spec("smismember", -3, "readonly fast", "read set fast", "RO access", "6.2.0",
                "Tells for each of several values whether it is a member of a set", SetReads::smismember).build());
        table.register(spec("scard", 2, "readonly fast", "read set fast", "RO", "1.0.0",
                "Returns the number of members of a set", SetReads::scard).build());
        table.register(spec("smembers", 2, "readonly", "read set slow", "RO access", "1.0.0",
                "Returns every member of a set", SetReads::smembers).tips("nondeterministic_output_order").build());
        table.register(spec("srandmember", -2, "readonly", "read set slow", "RO access", "1.0.0",
                "Returns random members of a set without removing them", SetReads::srandmember)
                .tips("nondeterministic_output").build());
        table.register(spec("sscan", -3, "readonly", "read set slow", "RO access", "2.8.0",
                "Iterates over the members of a set", SetReads::sscan).tips("nondeterministic_output").build());
        table.register(CommandSpec.builder("smove", 4).flags("write fast").keys(1, 2, 1).acl("write set fast")
                .keySpecs(KeySpec.range("RW access delete", 1, 0, 1, 0), KeySpec.range("RW insert", 2, 0, 1, 0))
                .group("set").since("1.0.0").summary("Moves a member from one set to another")
                .complexity("O(1)").handler(SetWrites::smove).build());
        table.register(combination("sinter", "Returns the intersection of sets", SetAlgebra::sinter));
        table.register(combination("sunion", "Returns the union of sets", SetAlgebra::sunion));
        table.register(combination("sdiff", "Returns the members of the first set absent from the others",
                SetAlgebra::sdiff));
        table.register(stored("sinterstore", "RW update", "Stores the intersection of sets in a key",
                SetAlgebra::sinterstore));
        table.register(stored("sunionstore", "OW update", "Stores the union of sets in a key",
                SetAlgebra::sunionstore));
        table.register(stored("sdiffstore", "OW update",
                "Stores the members of the first source set absent from the others in a key", SetAlgebra::sdiffstore));
        table.register(CommandSpec.builder("sintercard", -3).flags("readonly movablekeys").acl("read set slow")
                .keySpecs(KeySpec.keynum("RO access", 1, 0, 1, 1)).keyFinder(KeyFinders.numKeys(1))
                .group("set").since("7.0.0").summary("Returns the size of the intersection of sets, up to a limit")
                .handler(SetAlgebra::sintercard).build());
    }

    private static CommandSpec.Builder spec(String name, int arity, String flags, String acl, String keyFlags,
                                            String since, String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl)
                .singleKey(keyFlags).group("set").since(since).summary(summary)
                .handler(handler);
    }

    private static CommandSpec combination(String name, String summary, Command handler) {
        return CommandSpec.builder(name, -2).flags("readonly").keys(1, -1, 1).acl("read set slow")
                .tips("nondeterministic_output_order").keySpecs(KeySpec.range("RO access", 1, -1, 1, 0))
                .group("set").since("1.0.0").summary(summary).handler(handler).build();
    }

    private static CommandSpec stored(String name, String destinationFlags, String summary, Command handler) {
        return CommandSpec.builder(name, -3).flags("write denyoom").keys(1, -1, 1).acl("write set slow")
                .keySpecs(KeySpec.range(destinationFlags, 1, 0, 1, 0), KeySpec.range("RO access", 2, -1, 1, 0))
                .group("set").since("1.0.0").summary(summary).handler(handler).build();
    }
}
