package io.larder.node.replication.replica;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** REPLICAOF (and its old name SLAVEOF) and ROLE. */
public final class ReplicaCommands {
    private ReplicaCommands() {
    }

    public static void register(CommandTable table) {
        table.register(replicaOf("replicaof", "5.0.0"));
        table.register(replicaOf("slaveof", "1.0.0"));
        table.register(CommandSpec.builder("role", 1).flags("noscript loading stale fast").acl("admin fast dangerous")
                .group("server").since("2.8.12").complexity("O(1)")
                .summary("Tells whether this node is a primary or a replica, and how replication stands")
                .handler(ReplicaCommands::role).build());
    }

    private static CommandSpec replicaOf(String name, String since) {
        return CommandSpec.builder(name, 3).flags("admin noscript stale no_async_loading").acl("admin slow dangerous")
                .group("server").since(since).complexity("O(1)")
                .summary("Makes this node a replica of another one, or a primary again with NO ONE")
                .handler(ReplicaCommands::replicaOf).build();
    }

    /** What REPLICAOF was asked: a primary to follow, or (NO ONE) none. */
    record Target(String host, int port) {
        static final Target NONE = new Target(null, -1);

        /** Null when the port is not an integer in 0..65535. */
        static Target parse(byte[][] args) {
            String host = new String(args[1], StandardCharsets.UTF_8);
            String port = new String(args[2], StandardCharsets.UTF_8);
            if (host.equalsIgnoreCase("no") && port.equalsIgnoreCase("one")) {
                return NONE;
            }
            try {
                long p = Numbers.parseLong(args[2]);
                return p < 0 || p > 65535 ? null : new Target(host, (int) p);
            } catch (Numbers.NotANumber e) {
                return null;
            }
        }
    }

    private static void replicaOf(Client c, byte[][] args) {
        if (c.node().config().find("cluster-enabled").asBool()) {
            c.error("ERR REPLICAOF not allowed in cluster mode.");
            return;
        }
        Target target = Target.parse(args);
        if (target == null) {
            c.error("ERR Invalid master port");
            return;
        }
        ReplicaLink link = c.node().replicaLink();
        if (target == Target.NONE) {
            link.noOne();
        } else if (!link.replicaOf(target.host(), target.port())) {
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        c.reply().ok();
    }

    private static void role(Client c, byte[][] args) {
        ReplicaLink link = c.node().replicaLink();
        if (link.active()) {
            link.role(c.reply());
            return;
        }
        // A primary lists its online replicas: address, listening port, acknowledged offset.
        var replication = c.node().replication();
        List<String[]> online = replication.onlineReplicas();
        c.reply().array(3);
        c.reply().bulk("master");
        c.reply().integer(replication.offset());
        c.reply().array(online.size());
        for (String[] r : online) {
            c.reply().array(3);
            for (String field : r) {
                c.reply().bulk(field);
            }
        }
    }
}
