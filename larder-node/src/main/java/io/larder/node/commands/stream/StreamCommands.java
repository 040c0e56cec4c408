package io.larder.node.commands.stream;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;

/** The stream family: registration with Redis's metadata; the commands live in this package's classes. */
public final class StreamCommands {
    private StreamCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("xadd", -5).flags("write denyoom fast").acl("write stream fast")
                .keys(1, 1, 1).tips("nondeterministic_output")
                .keySpecs(KeySpec.range("RW update", 1, 0, 1, 0)
                        .withNotes("UPDATE instead of INSERT because of the optional trimming feature"))
                .group("stream").since("5.0.0").summary("Appends an entry to a stream, creating it when missing")
                .handler(StreamWrites::xadd).build());
        table.register(one("xtrim", -4, "write", "write stream slow", "RW delete", "6.2.0",
                "Removes the oldest entries of a stream", StreamWrites::xtrim, "nondeterministic_output"));
        table.register(one("xdel", -3, "write fast", "write stream fast", "RW delete", "5.0.0",
                "Removes entries from a stream", StreamWrites::xdel));
        table.register(one("xlen", 2, "readonly fast", "read stream fast", "RO", "5.0.0",
                "Returns the number of entries of a stream", StreamReads::xlen));
        table.register(one("xrange", -4, "readonly", "read stream slow", "RO access", "5.0.0",
                "Returns the entries of a stream within a range of IDs", StreamReads::xrange));
        table.register(one("xrevrange", -4, "readonly", "read stream slow", "RO access", "5.0.0",
                "Returns the entries of a stream within a range of IDs, newest first", StreamReads::xrevrange));
        table.register(CommandSpec.builder("xread", -4).flags("readonly blocking movablekeys")
                .acl("read stream slow blocking").keySpecs(KeySpec.keyword("RO access", "STREAMS", 1, -1, 1, 2))
                .keyFinder(StreamReaders.KEYS).group("stream").since("5.0.0")
                .summary("Returns entries of streams after given IDs, waiting for some if asked to")
                .handler(StreamReaders::xread).build());
        table.register(CommandSpec.builder("xreadgroup", -7).flags("write blocking movablekeys")
                .acl("write stream slow blocking").keySpecs(KeySpec.keyword("RO access", "STREAMS", 4, -1, 1, 2))
                .keyFinder(StreamReaders.KEYS).group("stream").since("5.0.0")
                .summary("Returns entries of streams for a consumer of a group, waiting for some if asked to")
                .handler(StreamReaders::xreadgroup).build());
        table.register(one("xack", -4, "write fast", "write stream fast", "RW update", "5.0.0",
                "Acknowledges entries a consumer group delivered", StreamGroups::xack));
        table.register(one("xpending", -3, "readonly", "read stream slow", "RO access", "5.0.0",
                "Returns the pending entries of a consumer group", StreamPending::xpending, "nondeterministic_output"));
        table.register(one("xclaim", -6, "write fast", "write stream fast", "RW update", "5.0.0",
                "Gives pending entries of a group to another consumer", StreamPending::xclaim,
                "nondeterministic_output"));
        table.register(one("xautoclaim", -6, "write fast", "write stream fast", "RW delete", "6.2.0",
                "Gives idle pending entries of a group to another consumer, scanning like a cursor",
                StreamPending::xautoclaim, "nondeterministic_output"));
        table.register(one("xsetid", -3, "write denyoom fast", "write stream fast", "RW update", "5.0.0",
                "Sets the last ID and counters of a stream", StreamWrites::xsetid));
        table.register(CommandSpec.builder("xgroup", -2).flags("").acl("slow").group("stream").since("5.0.0")
                .summary("A container for consumer groups commands")
                .subcommand(sub("create", -5, "write denyoom", "RW insert", "5.0.0", "Creates a consumer group",
                        StreamGroups::create))
                .subcommand(sub("createconsumer", 5, "write denyoom", "RW insert", "6.2.0",
                        "Creates a consumer in a consumer group", StreamGroups::createConsumer))
                .subcommand(sub("delconsumer", 5, "write", "RW delete", "5.0.0",
                        "Deletes a consumer from a consumer group", StreamGroups::delConsumer))
                .subcommand(sub("destroy", 4, "write", "RW delete", "5.0.0", "Destroys a consumer group",
                        StreamGroups::destroy))
                .subcommand(sub("setid", -5, "write", "RW update", "5.0.0",
                        "Sets the last delivered ID of a consumer group", StreamGroups::setid))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("stream slow").group("stream")
                        .since("5.0.0").summary("Returns helpful text about the different subcommands")
                        .handler(StreamGroups::help))
                .build());
        table.register(CommandSpec.builder("xinfo", -2).flags("").acl("slow").group("stream").since("5.0.0")
                .summary("A container for stream introspection commands")
                .subcommand(sub("stream", -3, "readonly", "RO access", "5.0.0", "Returns information about a stream",
                        StreamInfo::stream).acl("read stream slow"))
                .subcommand(sub("groups", 3, "readonly", "RO access", "5.0.0",
                        "Returns the consumer groups of a stream", StreamInfo::groups).acl("read stream slow"))
                .subcommand(sub("consumers", 4, "readonly", "RO access", "5.0.0",
                        "Returns the consumers of a consumer group", StreamInfo::consumers).acl("read stream slow")
                        .tips("nondeterministic_output"))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("stream slow").group("stream")
                        .since("5.0.0").summary("Returns helpful text about the different subcommands")
                        .handler(StreamInfo::help))
                .build());
    }

    private static CommandSpec one(String name, int arity, String flags, String acl, String keyFlags, String since,
                                   String summary, Command handler, String... tips) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl).singleKey(keyFlags).tips(tips)
                .group("stream").since(since).summary(summary).handler(handler).build();
    }

    /** A subcommand on the key at position 2. */
    private static CommandSpec.Builder sub(String name, int arity, String flags, String keyFlags, String since,
                                           String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl("write stream slow").keys(2, 2, 1)
                .keySpecs(KeySpec.range(keyFlags, 2, 0, 1, 0)).group("stream").since(since).summary(summary)
                .handler(handler);
    }
}
