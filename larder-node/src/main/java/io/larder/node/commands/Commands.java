package io.larder.node.commands;

import io.larder.node.command.CommandTable;
import io.larder.node.commands.bitmap.BitmapCommands;
import io.larder.node.commands.config.ConfigCommand;
import io.larder.node.commands.connection.ConnectionCommands;
import io.larder.node.commands.geo.GeoCommands;
import io.larder.node.commands.hash.HashCommands;
import io.larder.node.commands.hll.HllCommands;
import io.larder.node.commands.keyspace.KeyspaceCommands;
import io.larder.node.commands.list.ListCommands;
import io.larder.node.commands.memory.MemoryCommand;
import io.larder.node.commands.persistence.PersistenceCommands;
import io.larder.node.commands.pubsub.PubSubCommands;
import io.larder.node.commands.scripting.FunctionCommand;
import io.larder.node.commands.scripting.ScriptingCommands;
import io.larder.node.commands.server.ServerCommands;
import io.larder.node.commands.set.SetCommands;
import io.larder.node.commands.sort.SortCommands;
import io.larder.node.commands.stream.StreamCommands;
import io.larder.node.commands.string.StringCommands;
import io.larder.node.commands.transaction.TransactionCommands;
import io.larder.node.commands.zset.ZSetCommands;
import io.larder.node.persistence.aof.AofCommands;

/** The one list of command families the node serves; each family registers its commands. */
public final class Commands {
    private Commands() {
    }

    public static void registerAll(CommandTable table) {
        ConnectionCommands.register(table);
        ConfigCommand.register(table);
        io.larder.node.acl.AclCommand.register(table);
        ServerCommands.register(table);
        StringCommands.register(table);
        KeyspaceCommands.register(table);
        HashCommands.register(table);
        SetCommands.register(table);
        ListCommands.register(table);
        BitmapCommands.register(table);
        HllCommands.register(table);
        TransactionCommands.register(table);
        ZSetCommands.register(table);
        GeoCommands.register(table);
        SortCommands.register(table);
        PubSubCommands.register(table);
        StreamCommands.register(table);
        PersistenceCommands.register(table);
        ScriptingCommands.register(table);
        FunctionCommand.register(table);
        AofCommands.register(table);
        MemoryCommand.register(table);
        io.larder.node.replication.ReplicationCommands.register(table);
        io.larder.node.replication.replica.ReplicaCommands.register(table);
    }
}
