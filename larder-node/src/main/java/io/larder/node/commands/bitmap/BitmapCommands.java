package io.larder.node.commands.bitmap;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;

/** The bitmap family (bit-level commands over string values), registered with Redis's metadata. */
public final class BitmapCommands {
    private BitmapCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("setbit", 4).flags("write denyoom").keys(1, 1, 1)
                .acl("write bitmap slow").keySpecs(KeySpec.range("RW access update", 1, 0, 1, 0))
                .group("bitmap").since("2.2.0").summary("Sets or clears one bit of a string, growing it as needed")
                .complexity("O(1)").handler(BitCommands::setbit).build());
        table.register(CommandSpec.builder("getbit", 3).flags("readonly fast").keys(1, 1, 1)
                .acl("read bitmap fast").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0))
                .group("bitmap").since("2.2.0").summary("Returns one bit of a string")
                .complexity("O(1)").handler(BitCommands::getbit).build());
        table.register(CommandSpec.builder("bitcount", -2).flags("readonly").keys(1, 1, 1)
                .acl("read bitmap slow").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0))
                .group("bitmap").since("2.6.0").summary("Counts the set bits of a string, or of a range of it")
                .complexity("O(N)").handler(BitCommands::bitcount).build());
        table.register(CommandSpec.builder("bitpos", -3).flags("readonly").keys(1, 1, 1)
                .acl("read bitmap slow").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0))
                .group("bitmap").since("2.8.7").summary("Finds the first set or clear bit of a string, or of a range")
                .complexity("O(N)").handler(BitCommands::bitpos).build());
        table.register(CommandSpec.builder("bitop", -4).flags("write denyoom").keys(2, -1, 1)
                .acl("write bitmap slow")
                .keySpecs(KeySpec.range("OW update", 2, 0, 1, 0), KeySpec.range("RO access", 3, -1, 1, 0))
                .group("bitmap").since("2.6.0")
                .summary("Stores the bitwise AND, OR, XOR or NOT of strings in a key")
                .complexity("O(N)").handler(BitCommands::bitop).build());
        table.register(CommandSpec.builder("bitfield", -2).flags("write denyoom").keys(1, 1, 1)
                .acl("write bitmap slow")
                .keySpecs(KeySpec.range("RW access update variable_flags", 1, 0, 1, 0)
                        .withNotes("This command allows both access and modification of the key"))
                .keyFlags(BitmapCommands::bitfieldKeyFlags)
                .group("bitmap").since("3.2.0")
                .summary("Reads, sets and increments integer fields of arbitrary width inside a string")
                .complexity("O(1) for each subcommand specified").handler(BitfieldCommand::bitfield).build());
        table.register(CommandSpec.builder("bitfield_ro", -2).flags("readonly fast").keys(1, 1, 1)
                .acl("read bitmap fast").keySpecs(KeySpec.range("RO access", 1, 0, 1, 0))
                .group("bitmap").since("6.0.0").summary("Reads integer fields of arbitrary width inside a string")
                .complexity("O(1) for each subcommand specified").handler(BitfieldCommand::bitfieldRo).build());
    }

    /** BITFIELD only reads its key when every operation is a GET (Redis's bitfieldGetKeys); ACLs rely on it. */
    private static java.util.List<String> bitfieldKeyFlags(byte[][] args, int position) {
        for (int i = 2; i < args.length; i++) {
            String op = new String(args[i], java.nio.charset.StandardCharsets.US_ASCII);
            int remaining = args.length - i - 1;
            if (op.equalsIgnoreCase("get") && remaining >= 2) {
                i += 2;
            } else if (op.equalsIgnoreCase("overflow") && remaining >= 1) {
                i += 1;
            } else {
                return java.util.List.of("RW", "access", "update");
            }
        }
        return java.util.List.of("RO", "access");
    }
}
