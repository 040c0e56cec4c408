package io.larder.node.commands.hll;

import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandSpec.KeySpec;
import io.larder.node.command.CommandTable;

/** The HyperLogLog family, registered with Redis's metadata; HLLs are string values in Redis's own format. */
public final class HllCommands {
    private HllCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("pfadd", -2).flags("write denyoom fast").keys(1, 1, 1)
                .acl("write hyperloglog fast").keySpecs(KeySpec.range("RW insert", 1, 0, 1, 0))
                .group("hyperloglog").since("2.8.9")
                .summary("Adds elements to a HyperLogLog, creating the key if needed")
                .complexity("O(1) to add every element.").handler(PfCommands::pfadd).build());
        table.register(CommandSpec.builder("pfcount", -2).flags("readonly").keys(1, -1, 1)
                .acl("read hyperloglog slow")
                .keySpecs(KeySpec.range("RW access", 1, -1, 1, 0).withNotes(
                        "RW because it may change the internal representation of the key, and propagate to replicas"))
                .group("hyperloglog").since("2.8.9")
                .summary("Returns the approximate number of distinct elements seen by one or several HyperLogLogs")
                .complexity("O(1) with a very small average constant time when called with a single key. O(N) with N"
                        + " being the number of keys, and much bigger constant times, when called with multiple keys.")
                .handler(PfCommands::pfcount).build());
        table.register(CommandSpec.builder("pfmerge", -2).flags("write denyoom").keys(1, -1, 1)
                .acl("write hyperloglog slow")
                .keySpecs(KeySpec.range("RW access insert", 1, 0, 1, 0), KeySpec.range("RO access", 2, -1, 1, 0))
                .group("hyperloglog").since("2.8.9").summary("Merges HyperLogLogs into one")
                .complexity("O(N) to merge N HyperLogLogs, but with high constant times.")
                .handler(PfCommands::pfmerge).build());
        table.register(CommandSpec.builder("pfdebug", 3).flags("write denyoom admin").keys(2, 2, 1)
                .acl("write hyperloglog admin slow dangerous").keySpecs(KeySpec.range("RW access", 2, 0, 1, 0))
                .group("hyperloglog").since("2.8.9").summary("Internal commands for debugging HyperLogLog values")
                .complexity("N/A").handler(PfDebugCommand::pfdebug).build());
        table.register(CommandSpec.builder("pfselftest", 1).flags("admin").keys(0, 0, 0)
                .acl("hyperloglog admin slow dangerous")
                .group("hyperloglog").since("2.8.9").summary("An internal command for testing HyperLogLog values")
                .complexity("N/A").handler(PfDebugCommand::pfselftest).build());
    }
}
