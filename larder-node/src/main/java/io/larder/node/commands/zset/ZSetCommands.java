package io.larder.node.commands.zset;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.command.KeyFinders;

/** The sorted set family: registration with Redis's metadata; the commands live in this package's classes. */
public final class ZSetCommands {
    private ZSetCommands() {
    }

    public static void register(CommandTable table) {
        table.register(spec("zadd", -4, "write denyoom fast", "write sortedset fast", "RW update", "1.2.0",
                "Adds members to a sorted set or updates their scores, creating the key when missing",
                ZSetWrites::zadd).build());
        table.register(spec("zincrby", 4, "write denyoom fast", "write sortedset fast", "RW access update", "1.2.0",
                "Adds an increment to the score of a member of a sorted set", ZSetWrites::zincrby).build());
        table.register(spec("zrem", -3, "write fast", "write sortedset fast", "RW delete", "1.2.0",
                "Removes members from a sorted set, deleting the key when it empties", ZSetWrites::zrem).build());
        table.register(spec("zscore", 3, "readonly fast", "read sortedset fast", "RO access", "1.2.0",
                "Returns the score of a member of a sorted set", ZSetReads::zscore).build());
        table.register(spec("zmscore", -3, "readonly fast", "read sortedset fast", "RO access", "6.2.0",
                "Returns the scores of several members of a sorted set", ZSetReads::zmscore).build());
        table.register(spec("zcard", 2, "readonly fast", "read sortedset fast", "RO", "1.2.0",
                "Returns the number of members of a sorted set", ZSetReads::zcard).build());
        table.register(spec("zcount", 4, "readonly fast", "read sortedset fast", "RO access", "2.0.0",
                "Counts the members of a sorted set whose scores are in a range", ZSetReads::zcount).build());
        table.register(spec("zlexcount", 4, "readonly fast", "read sortedset fast", "RO access", "2.8.9",
                "Counts the members of a sorted set in a lexicographical range", ZSetReads::zlexcount).build());
        table.register(spec("zrank", -3, "readonly fast", "read sortedset fast", "RO access", "2.0.0",
                "Returns the ascending rank of a member of a sorted set, optionally with its score",
                ZSetReads::zrank).build());
        table.register(spec("zrevrank", -3, "readonly fast", "read sortedset fast", "RO access", "2.0.0",
                "Returns the descending rank of a member of a sorted set, optionally with its score",
                ZSetReads::zrevrank).build());
        table.register(spec("zrange", -4, "readonly", "read sortedset slow", "RO access", "1.2.0",
                "Returns members of a sorted set by rank, score or lexicographical range", ZSetRanges::zrange).build());
        table.register(CommandSpec.builder("zrangestore", -5).flags("write denyoom").keys(1, 2, 1)
                .acl("write sortedset slow")
                .keySpecs(KeySpec.range("OW update", 1, 0, 1, 0), KeySpec.range("RO access", 2, 0, 1, 0))
                .group("sorted-set").since("6.2.0").summary("Stores a range of a sorted set in a key")
                .handler(ZSetRanges::zrangestore).build());
        table.register(spec("zrangebyscore", -4, "readonly", "read sortedset slow", "RO access", "1.0.5",
                "Returns members of a sorted set in a score range", ZSetRanges::zrangebyscore).build());
        table.register(spec("zrevrangebyscore", -4, "readonly", "read sortedset slow", "RO access", "2.2.0",
                "Returns members of a sorted set in a score range, highest first", ZSetRanges::zrevrangebyscore)
                .build());
        table.register(spec("zrangebylex", -4, "readonly", "read sortedset slow", "RO access", "2.8.9",
                "Returns members of a sorted set in a lexicographical range", ZSetRanges::zrangebylex).build());
        table.register(spec("zrevrangebylex", -4, "readonly", "read sortedset slow", "RO access", "2.8.9",
                "Returns members of a sorted set in a lexicographical range, highest first",
                ZSetRanges::zrevrangebylex).build());
        table.register(spec("zrevrange", -4, "readonly", "read sortedset slow", "RO access", "1.2.0",
                "Returns members of a sorted set by rank, highest first", ZSetRanges::zrevrange).build());
        table.register(spec("zpopmin", -2, "write fast", "write sortedset fast", "RW access delete", "5.0.0",
                "Removes and returns the lowest scoring members of a sorted set", ZSetWrites::zpopmin).build());
        table.register(spec("zpopmax", -2, "write fast", "write sortedset fast", "RW access delete", "5.0.0",
                "Removes and returns the highest scoring members of a sorted set", ZSetWrites::zpopmax).build());
        table.register(CommandSpec.builder("zmpop", -4).flags("write movablekeys").acl("write sortedset slow")
                .keySpecs(KeySpec.keynum("RW access delete", 1, 0, 1, 1)).keyFinder(KeyFinders.numKeys(1))
                .group("sorted-set").since("7.0.0")
                .summary("Removes and returns members from the first non-empty of several sorted sets")
                .handler(ZSetWrites::zmpop).build());
        table.register(CommandSpec.builder("bzpopmin", -3).flags("write noscript blocking fast").keys(1, -2, 1)
                .acl("write sortedset fast blocking").keySpecs(KeySpec.range("RW access delete", 1, -2, 1, 0))
                .group("sorted-set").since("5.0.0")
                .summary("Removes and returns the lowest scoring member of the first non-empty sorted set, waiting "
                        + "for one").handler(ZSetBlockingPops::bzpopmin).build());
        table.register(CommandSpec.builder("bzpopmax", -3).flags("write noscript blocking fast").keys(1, -2, 1)
                .acl("write sortedset fast blocking").keySpecs(KeySpec.range("RW access delete", 1, -2, 1, 0))
                .group("sorted-set").since("5.0.0")
                .summary("Removes and returns the highest scoring member of the first non-empty sorted set, waiting "
                        + "for one").handler(ZSetBlockingPops::bzpopmax).build());
        table.register(CommandSpec.builder("bzmpop", -5).flags("write blocking movablekeys")
                .acl("write sortedset slow blocking").keySpecs(KeySpec.keynum("RW access delete", 2, 0, 1, 1))
                .keyFinder(KeyFinders.numKeys(2)).group("sorted-set").since("7.0.0")
                .summary("Removes and returns members from the first non-empty of several sorted sets, waiting for one")
                .handler(ZSetBlockingPops::bzmpop).build());
        table.register(spec("zrandmember", -2, "readonly", "read sortedset slow", "RO access", "6.2.0",
                "Returns random members of a sorted set", ZSetReads::zrandmember)
                .tips("nondeterministic_output").build());
        table.register(spec("zremrangebyrank", 4, "write", "write sortedset slow", "RW delete", "2.0.0",
                "Removes the members of a sorted set in a rank range", ZSetWrites::zremrangebyrank).build());
        table.register(spec("zremrangebyscore", 4, "write", "write sortedset slow", "RW delete", "1.2.0",
                "Removes the members of a sorted set in a score range", ZSetWrites::zremrangebyscore).build());
        table.register(spec("zremrangebylex", 4, "write", "write sortedset slow", "RW delete", "2.8.9",
                "Removes the members of a sorted set in a lexicographical range", ZSetWrites::zremrangebylex)
                .build());
        table.register(combination("zunion", "6.2.0", "Returns the union of sorted sets", ZSetAlgebra::zunion));
        table.register(combination("zinter", "6.2.0", "Returns the intersection of sorted sets",
                ZSetAlgebra::zinter));
        table.register(combination("zdiff", "6.2.0",
                "Returns the members of the first sorted set absent from the others", ZSetAlgebra::zdiff));
        table.register(combination("zintercard", "7.0.0", "Returns the size of the intersection of sorted sets",
                ZSetAlgebra::zintercard));
        table.register(stored("zunionstore", "2.0.0", "Stores the union of sorted sets in a key",
                ZSetAlgebra::zunionstore));
        table.register(stored("zinterstore", "2.0.0", "Stores the intersection of sorted sets in a key",
                ZSetAlgebra::zinterstore));
        table.register(stored("zdiffstore", "6.2.0",
                "Stores the members of the first sorted set absent from the others in a key", ZSetAlgebra::zdiffstore));
        table.register(spec("zscan", -3, "readonly", "read sortedset slow", "RO access", "2.8.0",
                "Iterates over the members and scores of a sorted set", ZSetReads::zscan)
                .tips("nondeterministic_output").build());
    }

    private static CommandSpec.Builder spec(String name, int arity, String flags, String acl, String keyFlags,
                                            String since, String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl)
                .singleKey(keyFlags).group("sorted-set").since(since).summary(summary)
                .handler(handler);
    }

    private static CommandSpec combination(String name, String since, String summary, Command handler) {
        return CommandSpec.builder(name, -3).flags("readonly movablekeys").acl("read sortedset slow")
                .keySpecs(KeySpec.keynum("RO access", 1, 0, 1, 1)).keyFinder(KeyFinders.numKeys(1))
                .group("sorted-set").since(since).summary(summary).handler(handler).build();
    }

    private static CommandSpec stored(String name, String since, String summary, Command handler) {
        return CommandSpec.builder(name, -4).flags("write denyoom movablekeys").keys(1, 1, 1)
                .acl("write sortedset slow")
                .keySpecs(KeySpec.range("OW update", 1, 0, 1, 0), KeySpec.keynum("RO access", 2, 0, 1, 1))
                .keyFinder(KeyFinders.numKeys(2, 1)).group("sorted-set").since(since).summary(summary)
                .handler(handler).build();
    }
}
