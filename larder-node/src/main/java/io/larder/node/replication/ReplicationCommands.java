package io.larder.node.replication;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The primary's side of the replication protocol (SYNC, PSYNC, REPLCONF) and WAIT; ROLE is in ReplicaCommands. */
public final class ReplicationCommands {
    /** Redis's NET_HOST_STR_LEN: an announced address must be shorter. */
    private static final int MAX_IP_LENGTH = 256;
    private static final String WAIT_ON_REPLICA = "ERR WAIT cannot be used with replica instances. Please also note "
            + "that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to "
            + "replicas are just local and are not propagated.";

    private static final String WAITAOF_ON_REPLICA = "ERR WAITAOF cannot be used with replica instances. Please also "
            + "note that writes to replicas are just local and are not propagated.";
    static final String WAITAOF_WITHOUT_AOF =
            "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";

    private ReplicationCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("sync", 1).flags("admin noscript no_async_loading no_multi")
                .acl("admin slow dangerous").group("server").since("1.0.0")
                .summary("Asks for a full copy of the dataset and the stream of writes (the old protocol)")
                .handler((c, a) -> sync(c, a, false)).build());
        table.register(CommandSpec.builder("psync", -3).flags("admin noscript no_async_loading no_multi")
                .acl("admin slow dangerous").group("server").since("2.8.0")
                .summary("Asks for the writes after a replication offset, or a full copy when they are gone")
                .handler((c, a) -> sync(c, a, true)).build());
        table.register(CommandSpec.builder("replconf", -1).flags("admin noscript loading stale allow_busy")
                .acl("admin slow dangerous").group("server").since("3.0.0")
                .summary("Tells the primary about a replica: its port, address, abilities and progress")
                .handler(ReplicationCommands::replconf).build());
        table.register(CommandSpec.builder("wait", 3).flags("noscript").acl("slow connection")
                .tips("request_policy:all_shards", "response_policy:agg_min").group("generic").since("3.0.0")
                .complexity("O(1)")
                .summary("Waits until the replicas acknowledged the connection's writes, or a timeout")
                .handler(ReplicationCommands::waitCommand).build());
        table.register(CommandSpec.builder("waitaof", 4).flags("blocking").acl("slow connection blocking")
                .tips("request_policy:all_shards", "response_policy:agg_min").group("generic").since("7.2.0")
                .complexity("O(1)")
                .summary("Waits until the connection's writes are fsynced to the local AOF and to replicas' AOFs")
                .handler(ReplicationCommands::waitAof).build());
        Failover.register(table);
    }

    private static void sync(Client c, byte[][] args, boolean psync) {
        Replication repl = c.node().replication();
        if (c.monitor() || repl.isReplica(c)) {
            return; // as Redis: already a replica (or a monitor, one to Redis)
        }
        if (c.reply().pending() > 0) {
            c.error("ERR SYNC and PSYNC are invalid with pending output");
            return;
        }
        var link = c.node().replicaLink();
        if (psync && args.length > 3) {
            if (!new String(args[3], StandardCharsets.UTF_8).equalsIgnoreCase("failover")) {
                c.error("ERR Unknown PSYNC argument");
                return;
            }
            if (!link.active()) {
                c.error("ERR PSYNC FAILOVER can't be sent to a master.");
                return;
            }
            if (!new String(args[1], StandardCharsets.UTF_8).equalsIgnoreCase(repl.replId())) {
                c.error("ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            // Our primary hands its role over: become a primary (its history kept as replId2), then answer its
            // PSYNC as any replica's; the connection waits meanwhile.
            System.out.println("MASTER MODE enabled (failover request from id=" + c.id() + ")");
            var handler = c.handler();
            handler.suspend();
            link.noOne(() -> c.channel().eventLoop().execute(() -> {
                if (c.channel().isActive()) {
                    sync(c, java.util.Arrays.copyOf(args, 3), true);
                }
                handler.resume(); // and writes what sync replied
            }));
            return;
        }
        if (repl.failover().active()) {
            c.error("NOMASTERLINK Can't SYNC while failing over");
            return;
        }
        if (link.active() && link.state() != io.larder.node.replication.replica.ReplicaLink.State.CONNECTED) {
            c.error("NOMASTERLINK Can't SYNC while not connected with my master"); // a sub-replica waits for our data
            return;
        }
        ReplicaConnection r = repl.connection(c);
        if (!psync) {
            repl.fullResyncRequested(r, true);
            return;
        }
        long offset;
        try {
            offset = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        String id = new String(args[1], StandardCharsets.UTF_8);
        if (!repl.tryPartial(r, id, offset)) {
            repl.fullResyncRequested(r, false);
        }
    }

    private static void replconf(Client c, byte[][] args) {
        if (args.length % 2 == 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        Replication repl = c.node().replication();
        for (int j = 1; j < args.length; j += 2) {
            String option = new String(args[j], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            byte[] value = args[j + 1];
            switch (option) {
                case "listening-port" -> {
                    long port;
                    try {
                        port = Numbers.parseLong(value);
                    } catch (Numbers.NotANumber e) {
                        c.error(Errors.NOT_INTEGER);
                        return;
                    }
                    repl.connection(c).listeningPort = (int) port;
                }
                case "ip-address" -> {
                    if (value.length >= MAX_IP_LENGTH) {
                        c.error("ERR REPLCONF ip-address provided by replica instance is too long: " + value.length
                                + " bytes");
                        return;
                    }
                    repl.connection(c).announcedIp = new String(value, StandardCharsets.UTF_8);
                }
                case "capa" -> {
                    String capa = new String(value, StandardCharsets.UTF_8);
                    if (capa.equalsIgnoreCase("eof")) {
                        repl.connection(c).capaEof = true;
                    } else if (capa.equalsIgnoreCase("psync2")) {
                        repl.connection(c).capaPsync2 = true;
                    } // others are ignored, as Redis ignores capabilities it does not know
                }
                case "ack" -> {
                    // No reply ever: the replica reads nothing on this link but the stream. A Redis 7.2 replica
                    // adds FACK <offset fsynced to its AOF>. A malformed ACK is ignored, as Redis ignores it.
                    ReplicaConnection r = repl.replicaOf(c);
                    if (r != null) {
                        try {
                            long offset = Numbers.parseLong(value);
                            long fsynced = -1;
                            if (args.length > j + 3 && new String(args[j + 2], StandardCharsets.UTF_8)
                                    .equalsIgnoreCase("fack")) {
                                fsynced = Numbers.parseLong(args[j + 3]);
                            }
                            repl.acked(r, offset, fsynced);
                        } catch (Numbers.NotANumber e) {
                            // dropped
                        }
                    }
                    return;
                }
                case "getack" -> {
                    return; // answered by a replica to its primary; a primary has nothing to say
                }
                case "rdb-only" -> {
                    long flag;
                    try {
                        flag = Numbers.parseLong(value);
                    } catch (Numbers.NotANumber e) {
                        c.error(Errors.NOT_INTEGER);
                        return;
                    }
                    if (flag < 0 || flag > 1) {
                        c.error("ERR value is out of range, value must between 0 and 1");
                        return;
                    }
                }
                case "rdb-filter-only" -> {
                    for (String filter : new String(value, StandardCharsets.UTF_8).split(" ")) {
                        if (!filter.isEmpty() && !filter.equalsIgnoreCase("functions")) {
                            c.error("ERR Unsupported rdb-filter-only option: " + filter);
                            return;
                        }
                    }
                }
                default -> {
                    c.error("ERR Unrecognized REPLCONF option: " + new String(args[j], StandardCharsets.UTF_8));
                    return;
                }
            }
        }
        c.reply().ok();
    }

    private static void waitCommand(Client c, byte[][] args) {
        Replication repl = c.node().replication();
        if (repl.replicating()) {
            c.error(WAIT_ON_REPLICA);
            return;
        }
        long needed;
        try {
            needed = Numbers.parseLong(args[1]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        long timeout = timeoutMillis(c, args[2]);
        if (timeout < 0) {
            return;
        }
        // As Redis's c->woff: the offset after the client's previous command, so its own writes and no later ones.
        long position = c.replOffset();
        int acked = repl.acknowledged(position);
        if (acked >= needed || c.transaction().executing() || c.handler() == null) {
            c.reply().integer(acked); // inside EXEC nothing blocks
            return;
        }
        repl.waits().block(c, position, needed, timeout);
    }

    /**
     * WAITAOF numlocal numreplicas timeout (Redis 7.2): until the client's writes are fsynced to the local AOF
     * (numlocal 1) and to the AOF of numreplicas replicas (as their REPLCONF ACK ... FACK reports); replies
     * [local, replicas] reached. The local side waits for the AOF position of the client's last write.
     */
    private static void waitAof(Client c, byte[][] args) {
        long numLocal;
        long numReplicas;
        try {
            numLocal = Numbers.parseLong(args[1]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (numLocal < 0 || numLocal > 1) {
            c.error("ERR value is out of range, value must between 0 and 1");
            return;
        }
        try {
            numReplicas = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (numReplicas < 0) {
            c.error("ERR value is out of range, must be positive");
            return;
        }
        long timeout = timeoutMillis(c, args[3]);
        if (timeout < 0) {
            return;
        }
        Replication repl = c.node().replication();
        if (repl.replicating()) {
            c.error(WAITAOF_ON_REPLICA);
            return;
        }
        if (numLocal > 0 && !repl.aofOn()) {
            c.error(WAITAOF_WITHOUT_AOF);
            return;
        }
        long position = c.replOffset();
        long localPosition = c.awaitedLogPosition();
        int replicas = repl.fsyncAcknowledged(position);
        int local = repl.fsyncedLocally(localPosition);
        if (replicas >= numReplicas && local >= numLocal || c.transaction().executing() || c.handler() == null) {
            c.reply().array(2); // inside EXEC or a script nothing blocks
            c.reply().integer(local);
            c.reply().integer(replicas);
            return;
        }
        repl.waits().blockAof(c, position, numReplicas, localPosition, numLocal, timeout);
    }

    /** WAIT's and WAITAOF's timeout in milliseconds (0: forever), or -1 once refused with Redis's error. */
    private static long timeoutMillis(Client c, byte[] arg) {
        long timeout;
        try {
            timeout = Numbers.parseLong(arg);
        } catch (Numbers.NotANumber e) {
            c.error("ERR timeout is not an integer or out of range");
            return -1;
        }
        if (timeout < 0) {
            c.error("ERR timeout is negative");
            return -1;
        }
        if (timeout > Long.MAX_VALUE - System.currentTimeMillis()) {
            c.error("ERR timeout is out of range");
            return -1;
        }
        return timeout;
    }
}
