package io.larder.node.commands.pubsub;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;
import io.larder.node.server.PubSub;
import io.larder.node.server.PubSub.Kind;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH, SPUBLISH and the PUBSUB introspection
 * container. Standalone mode: shard channels are a namespace of their own, with no slot checks.
 */
public final class PubSubCommands {
    private static final String SUBSCRIBE_FLAGS = "pubsub noscript loading stale";
    private static final String[] HELP = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };

    private PubSubCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("subscribe", -2).flags(SUBSCRIBE_FLAGS).acl("pubsub slow").group("pubsub")
                .since("2.0.0").summary("Listens for messages published to channels")
                .handler((c, a) -> pubsub(c).subscribe(c, Kind.CHANNEL, a)).build());
        table.register(CommandSpec.builder("unsubscribe", -1).flags(SUBSCRIBE_FLAGS).acl("pubsub slow")
                .group("pubsub").since("2.0.0").summary("Stops listening to channels (all of them without arguments)")
                .handler((c, a) -> pubsub(c).unsubscribe(c, Kind.CHANNEL, a)).build());
        table.register(CommandSpec.builder("psubscribe", -2).flags(SUBSCRIBE_FLAGS).acl("pubsub slow")
                .group("pubsub").since("2.0.0").summary("Listens for messages published to channels matching patterns")
                .handler((c, a) -> pubsub(c).subscribe(c, Kind.PATTERN, a)).build());
        table.register(CommandSpec.builder("punsubscribe", -1).flags(SUBSCRIBE_FLAGS).acl("pubsub slow")
                .group("pubsub").since("2.0.0").summary("Stops listening to patterns (all of them without arguments)")
                .handler((c, a) -> pubsub(c).unsubscribe(c, Kind.PATTERN, a)).build());
        table.register(CommandSpec.builder("publish", 3).flags("pubsub loading stale fast may_replicate").acl("pubsub fast")
                .group("pubsub").since("2.0.0").summary("Sends a message to a channel's and matching patterns' subscribers")
                .handler((c, a) -> c.reply().integer(pubsub(c).publish(c, Kind.CHANNEL, a[1], a[2]))).build());
        table.register(CommandSpec.builder("ssubscribe", -2).flags(SUBSCRIBE_FLAGS).keys(1, -1, 1).acl("pubsub slow")
                .keySpecs(KeySpec.range("not_key", 1, -1, 1, 0)).group("pubsub").since("7.0.0")
                .summary("Listens for messages published to shard channels")
                .handler((c, a) -> pubsub(c).subscribe(c, Kind.SHARD, a)).build());
        table.register(CommandSpec.builder("sunsubscribe", -1).flags(SUBSCRIBE_FLAGS).keys(1, -1, 1)
                .acl("pubsub slow").keySpecs(KeySpec.range("not_key", 1, -1, 1, 0)).group("pubsub").since("7.0.0")
                .summary("Stops listening to shard channels (all of them without arguments)")
                .handler((c, a) -> pubsub(c).unsubscribe(c, Kind.SHARD, a)).build());
        table.register(CommandSpec.builder("spublish", 3).flags("pubsub loading stale fast may_replicate").keys(1, 1, 1)
                .acl("pubsub fast").keySpecs(KeySpec.range("not_key", 1, 0, 1, 0)).group("pubsub").since("7.0.0")
                .summary("Sends a message to a shard channel's subscribers")
                .handler((c, a) -> c.reply().integer(pubsub(c).publish(c, Kind.SHARD, a[1], a[2]))).build());
        table.register(CommandSpec.builder("pubsub", -2).flags("").acl("slow").group("pubsub").since("2.8.0")
                .summary("A container for Pub/Sub introspection commands")
                .subcommand(introspection("channels", -2, "2.8.0", "Lists the active channels, optionally matching a pattern")
                        .handler((c, a) -> channels(c, a, Kind.CHANNEL)))
                .subcommand(introspection("numpat", 2, "2.8.0", "Returns the number of pattern subscriptions")
                        .handler((c, a) -> c.reply().integer(pubsub(c).size(Kind.PATTERN))))
                .subcommand(introspection("numsub", -2, "2.8.0", "Returns the subscriber counts of channels")
                        .handler((c, a) -> numsub(c, a, Kind.CHANNEL)))
                .subcommand(introspection("shardchannels", -2, "7.0.0",
                        "Lists the active shard channels, optionally matching a pattern")
                        .handler((c, a) -> channels(c, a, Kind.SHARD)))
                .subcommand(introspection("shardnumsub", -2, "7.0.0", "Returns the subscriber counts of shard channels")
                        .handler((c, a) -> numsub(c, a, Kind.SHARD)))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow").group("pubsub")
                        .since("6.2.0").summary("Returns helpful text about the different subcommands")
                        .handler(PubSubCommands::help))
                .build());
    }

    private static CommandSpec.Builder introspection(String name, int arity, String since, String summary) {
        return CommandSpec.builder(name, arity).flags("pubsub loading stale").acl("pubsub slow").group("pubsub")
                .since(since).summary(summary);
    }

    private static PubSub pubsub(Client c) {
        return c.node().pubsub();
    }

    /** CHANNELS / SHARDCHANNELS [pattern]. */
    private static void channels(Client c, byte[][] args, Kind kind) {
        if (args.length > 3) {
            // Redis's subcommand syntax error: the subcommand as typed, the container in capitals.
            c.error("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(args[1], StandardCharsets.UTF_8) + "'. Try "
                    + new String(args[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + " HELP.");
            return;
        }
        List<byte[]> names = pubsub(c).activeChannels(kind, args.length == 3 ? args[2] : null);
        c.reply().array(names.size());
        for (byte[] name : names) {
            c.reply().bulk(name);
        }
    }

    /** NUMSUB / SHARDNUMSUB: channel and count pairs, as a flat array in both protocols. */
    private static void numsub(Client c, byte[][] args, Kind kind) {
        c.reply().array((args.length - 2) * 2);
        for (int i = 2; i < args.length; i++) {
            c.reply().bulk(args[i]);
            c.reply().integer(pubsub(c).subscriberCount(kind, args[i]));
        }
    }

    private static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }
}
