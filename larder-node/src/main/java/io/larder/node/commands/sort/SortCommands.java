package io.larder.node.commands.sort;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;

/**
 * SORT and SORT_RO: registration with Redis's metadata. Plain SORT runs under its keys' stripes; with BY or GET
 * it reads keys named by the data, so it holds every stripe.
 */
public final class SortCommands {
    private static final KeySpec PATTERN_KEYS = KeySpec.unknown("RO access").withNotes("For the optional BY/GET "
            + "keyword. It is marked 'unknown' because the key names derive from the content of the key we sort");

    private SortCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("sort", -2).flags("write denyoom movablekeys").keys(1, 1, 1)
                .acl("write set sortedset list slow dangerous")
                .keySpecs(KeySpec.range("RO access", 1, 0, 1, 0), PATTERN_KEYS,
                        KeySpec.unknown("OW update").withNotes("For the optional STORE keyword. It is marked "
                                + "'unknown' because the keyword can appear anywhere in the argument array"))
                .keyFinder(SortOptions::keyPositions).wholeKeyspaceWhen(SortOptions::readsPatternKeys)
                .group("generic").since("1.0.0")
                .summary("Sorts the elements of a list, set or sorted set, optionally storing the result as a list")
                .handler(SortCommand::sort).build());
        table.register(CommandSpec.builder("sort_ro", -2).flags("readonly movablekeys").keys(1, 1, 1)
                .acl("read set sortedset list slow dangerous")
                .keySpecs(KeySpec.range("RO access", 1, 0, 1, 0), PATTERN_KEYS)
                .keyFinder(args -> new int[] {1}).wholeKeyspaceWhen(SortOptions::readsPatternKeys)
                .group("generic").since("7.0.0").summary("Sorts the elements of a list, set or sorted set")
                .handler(SortCommand::sortRo).build());
    }
}
