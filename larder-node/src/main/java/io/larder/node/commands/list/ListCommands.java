package io.larder.node.commands.list;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.command.KeyFinders;

/** The list family: registration with Redis's metadata; the commands live in this package's classes. */
public final class ListCommands {
    private ListCommands() {
    }

    public static void register(CommandTable table) {
        table.register(one("lpush", -3, "write denyoom fast", "write list fast", "RW insert", "1.0.0",
                "Prepends elements to a list, creating it when missing", ListWrites::lpush));
        table.register(one("rpush", -3, "write denyoom fast", "write list fast", "RW insert", "1.0.0",
                "Appends elements to a list, creating it when missing", ListWrites::rpush));
        table.register(one("lpushx", -3, "write denyoom fast", "write list fast", "RW insert", "2.2.0",
                "Prepends elements to a list only when it exists", ListWrites::lpushx));
        table.register(one("rpushx", -3, "write denyoom fast", "write list fast", "RW insert", "2.2.0",
                "Appends elements to a list only when it exists", ListWrites::rpushx));
        table.register(one("lpop", -2, "write fast", "write list fast", "RW access delete", "1.0.0",
                "Removes and returns the first elements of a list", ListPops::lpop));
        table.register(one("rpop", -2, "write fast", "write list fast", "RW access delete", "1.0.0",
                "Removes and returns the last elements of a list", ListPops::rpop));
        table.register(one("llen", 2, "readonly fast", "read list fast", "RO", "1.0.0",
                "Returns the length of a list", ListReads::llen));
        table.register(one("lrange", 4, "readonly", "read list slow", "RO access", "1.0.0",
                "Returns a range of elements of a list", ListReads::lrange));
        table.register(one("lindex", 3, "readonly", "read list slow", "RO access", "1.0.0",
                "Returns the element at an index of a list", ListReads::lindex));
        table.register(one("lset", 4, "write denyoom", "write list slow", "RW update", "1.0.0",
                "Replaces the element at an index of a list", ListWrites::lset));
        table.register(one("linsert", 5, "write denyoom", "write list slow", "RW insert", "2.2.0",
                "Inserts an element before or after another one in a list", ListWrites::linsert));
        table.register(one("lrem", 4, "write", "write list slow", "RW delete", "1.0.0",
                "Removes elements equal to a value from a list", ListWrites::lrem));
        table.register(one("ltrim", 4, "write", "write list slow", "RW delete", "1.0.0",
                "Keeps only a range of a list's elements", ListWrites::ltrim));
        table.register(one("lpos", -3, "readonly", "read list slow", "RO access", "6.0.6",
                "Returns the positions of elements equal to a value in a list", ListReads::lpos));
        table.register(two("lmove", 5, "write denyoom", "write list slow", "6.2.0",
                "Moves an element from one end of a list to an end of another", ListPops::lmove));
        table.register(two("rpoplpush", 3, "write denyoom", "write list slow", "1.2.0",
                "Moves the last element of a list to the front of another", ListPops::rpoplpush));
        table.register(CommandSpec.builder("lmpop", -4).flags("write movablekeys").acl("write list slow")
                .keySpecs(KeySpec.keynum("RW access delete", 1, 0, 1, 1)).keyFinder(KeyFinders.numKeys(1))
                .group("list").since("7.0.0").summary("Pops elements from the first non-empty list among several")
                .handler(ListPops::lmpop).build());
        table.register(CommandSpec.builder("blpop", -3).flags("write noscript blocking").keys(1, -2, 1)
                .acl("write list slow blocking").keySpecs(KeySpec.range("RW access delete", 1, -2, 1, 0))
                .group("list").since("2.0.0").summary("Pops the first element of the first non-empty list, waiting "
                        + "for one").handler(ListPops::blpop).build());
        table.register(CommandSpec.builder("brpop", -3).flags("write noscript blocking").keys(1, -2, 1)
                .acl("write list slow blocking").keySpecs(KeySpec.range("RW access delete", 1, -2, 1, 0))
                .group("list").since("2.0.0").summary("Pops the last element of the first non-empty list, waiting "
                        + "for one").handler(ListPops::brpop).build());
        table.register(two("blmove", 6, "write denyoom noscript blocking", "write list slow blocking", "6.2.0",
                "Moves an element between lists, waiting for one", ListPops::blmove));
        table.register(two("brpoplpush", 4, "write denyoom noscript blocking", "write list slow blocking", "2.2.0",
                "Moves the last element of a list to the front of another, waiting for one", ListPops::brpoplpush));
        table.register(CommandSpec.builder("blmpop", -5).flags("write blocking movablekeys")
                .acl("write list slow blocking").keySpecs(KeySpec.keynum("RW access delete", 2, 0, 1, 1))
                .keyFinder(KeyFinders.numKeys(2)).group("list").since("7.0.0")
                .summary("Pops elements from the first non-empty list among several, waiting for one")
                .handler(ListPops::blmpop).build());
    }

    /** A command on the single key at position 1. */
    private static CommandSpec one(String name, int arity, String flags, String acl, String keyFlags, String since,
                                   String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl)
                .singleKey(keyFlags).group("list").since(since).summary(summary)
                .handler(handler).build();
    }

    /** A command moving from the key at position 1 to the key at position 2. */
    private static CommandSpec two(String name, int arity, String flags, String acl, String since, String summary,
                                   Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).keys(1, 2, 1).acl(acl)
                .keySpecs(KeySpec.range("RW access delete", 1, 0, 1, 0), KeySpec.range("RW insert", 2, 0, 1, 0))
                .group("list").since(since).summary(summary).handler(handler).build();
    }
}
