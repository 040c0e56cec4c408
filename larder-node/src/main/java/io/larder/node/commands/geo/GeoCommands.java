package io.larder.node.commands.geo;

import io.larder.node.command.Command;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Args;
import io.larder.node.commands.geo.GeoSearchCommand.Variant;

import java.util.Arrays;

/** The geo family: positions kept in sorted sets, registered with Redis's metadata. */
public final class GeoCommands {
    private GeoCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("geoadd", -5).flags("write denyoom").acl("write geo slow")
                .singleKey("RW update").group("geo").since("3.2.0")
                .summary("Adds members with their positions to a geo sorted set, creating the key when missing")
                .handler(GeoAdd::geoadd).build());
        table.register(read("geopos", -2, "3.2.0", "Returns the longitude and latitude of members of a geo set",
                GeoReads::geopos));
        table.register(read("geodist", -4, "3.2.0", "Returns the distance between two members of a geo set",
                GeoReads::geodist));
        table.register(read("geohash", -2, "3.2.0", "Returns standard geohash strings for members of a geo set",
                GeoReads::geohash));
        table.register(read("geosearch", -7, "6.2.0",
                "Returns the members of a geo set inside a circle or a box around a member or a position",
                search(Variant.GEOSEARCH)));
        table.register(CommandSpec.builder("geosearchstore", -8).flags("write denyoom").keys(1, 2, 1)
                .acl("write geo slow")
                .keySpecs(KeySpec.range("OW update", 1, 0, 1, 0), KeySpec.range("RO access", 2, 0, 1, 0))
                .group("geo").since("6.2.0")
                .summary("Stores the members of a geo set inside a circle or a box in a key")
                .handler(search(Variant.GEOSEARCHSTORE)).build());
        table.register(radius("georadius", -6, 6, "3.2.0",
                "Returns (or stores) the members of a geo set within a radius of a position",
                Variant.GEORADIUS));
        table.register(radius("georadiusbymember", -5, 5, "3.2.0",
                "Returns (or stores) the members of a geo set within a radius of one of its members",
                Variant.GEORADIUSBYMEMBER));
        table.register(read("georadius_ro", -6, "3.2.10",
                "Returns the members of a geo set within a radius of a position", search(Variant.GEORADIUS_RO)));
        table.register(read("georadiusbymember_ro", -5, "3.2.10",
                "Returns the members of a geo set within a radius of one of its members",
                search(Variant.GEORADIUSBYMEMBER_RO)));
    }

    private static Command search(Variant variant) {
        return (c, args) -> GeoSearchCommand.run(c, args, variant);
    }

    private static CommandSpec read(String name, int arity, String since, String summary, Command handler) {
        return CommandSpec.builder(name, arity).flags("readonly").acl("read geo slow").singleKey("RO access")
                .group("geo").since(since).summary(summary).handler(handler).build();
    }

    /**
     * GEORADIUS and GEORADIUSBYMEMBER: the source key, and a destination after STORE or STOREDIST anywhere
     * among the options (every candidate is locked; the command uses the last one it parses).
     */
    private static CommandSpec radius(String name, int arity, int optionsFrom, String since, String summary,
                                      Variant variant) {
        return CommandSpec.builder(name, arity).flags("write denyoom movablekeys").keys(1, 1, 1)
                .acl("write geo slow")
                .keySpecs(KeySpec.range("RO access", 1, 0, 1, 0),
                        KeySpec.keyword("OW update", "STORE", optionsFrom, 0, 1, 0),
                        KeySpec.keyword("OW update", "STOREDIST", optionsFrom, 0, 1, 0))
                .keyFinder(args -> {
                    int[] keys = new int[args.length];
                    int n = 0;
                    keys[n++] = 1;
                    for (int i = optionsFrom; i + 1 < args.length; i++) {
                        if (Args.is(args[i], "store") || Args.is(args[i], "storedist")) {
                            keys[n++] = i + 1;
                        }
                    }
                    return Arrays.copyOf(keys, n);
                })
                .group("geo").since(since).summary(summary).handler(search(variant)).build();
    }
}
