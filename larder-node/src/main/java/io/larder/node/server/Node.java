package io.larder.node.server;

import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.engine.util.Clock;
import io.larder.node.acl.Acl;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Commands;
import io.larder.node.config.ServerConfig;
import io.larder.node.memory.Evictor;
import io.larder.node.memory.Memory;
import io.larder.node.persistence.Persistence;
import io.larder.node.persistence.aof.AppendOnlyFile;
import io.larder.node.propagation.Propagation;
import io.larder.node.replication.replica.ReplicaLink;
import io.larder.node.scripting.Functions;
import io.larder.node.scripting.Scripting;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything one cache node shares between its connections: configuration, keyspace, command table,
 * connected clients and statistics. Commands reach it through {@link Client#node()}.
 */
public final class Node {
    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandTable commands = new CommandTable();
    private final ServerStats stats = new ServerStats();
    private final SlowLog slowLog;
    private final LatencyMonitor latencyMonitor;
    private final Map<Long, Client> clients = new ConcurrentHashMap<>();
    private final MonitorFeed monitors = new MonitorFeed();
    private final ClientPause pause = new ClientPause();
    private final PubSub pubsub;
    /** client-output-buffer-limit's normal class, which ClientHandler enforces (subscribers have the pubsub class). */
    private final PubSub.OutputLimit normalOutputLimit;
    private final KeyspaceEvents keyspaceEvents;
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final long startMillis = System.currentTimeMillis();
    private final String runId;
    private final Watches watches;
    private final Tracking tracking;
    private final Dispatcher dispatcher;
    private volatile NodeServer server;
    private final BlockedClients blocked;
    private final Persistence persistence;
    private final Scripting scripting = new Scripting(this);
    private final Acl acl;
    private final Propagation propagation;
    private final AppendOnlyFile aof;
    private final io.larder.node.replication.Replication replication;
    private final Memory memory;
    private final Evictor evictor;
    private final ReplicaLink replicaLink;

    public Node(ServerConfig config, Clock clock) {
        this.config = config;
        this.slowLog = new SlowLog(config);
        this.latencyMonitor = new LatencyMonitor(config);
        this.pubsub = new PubSub(config);
        this.normalOutputLimit = PubSub.OutputLimit.follow(config, "normal");
        this.keyspaceEvents = new KeyspaceEvents(config, pubsub);
        this.keyspace = new Keyspace(config.databases.asInt(), clock);
        this.watches = new Watches(keyspace, stats);
        this.propagation = new Propagation(keyspace, config);
        this.blocked = new BlockedClients(keyspace, propagation);
        this.tracking = new Tracking(this, keyspace);
        // Blocked stream readers hear of deletions, flushes and swaps (to answer with Redis's errors); on expiry
        // Redis's order is the "expired" event, then the tracking invalidation.
        this.keyspace.listener(KeyspaceListener.both(KeyspaceListener.both(
                KeyspaceListener.both(watches, blocked), KeyspaceListener.both(keyspaceEvents, tracking)),
                propagation));
        this.persistence = new Persistence(config, keyspace, startMillis);
        persistence.libraries(() -> scripting.functions().libraries().stream().map(Functions.Library::code).toList(),
                code -> scripting.functions().load(code, true));
        byte[] id = new byte[20];
        new java.security.SecureRandom().nextBytes(id);
        this.runId = java.util.HexFormat.of().formatHex(id);
        Commands.registerAll(commands);
        this.acl = new Acl(config, commands);
        acl.clients(clients::values);
        String aclError = acl.loadAtStartup(config.aclUserLines());
        if (aclError != null) {
            throw new IllegalStateException(aclError);
        }
        this.memory = new Memory(this);
        this.evictor = new Evictor(this, memory);
        this.dispatcher = new Dispatcher(this);
        this.aof = new AppendOnlyFile(this);
        this.replication = new io.larder.node.replication.Replication(this);
        this.replicaLink = new ReplicaLink(this, replication);
    }

    /** The replica side of replication: the link to the primary this node follows, if any. */
    public ReplicaLink replicaLink() { return replicaLink; }

    /** Users and permissions (ACL). */
    public Acl acl() { return acl; }

    /** The ordered log of writes in propagated form (AOF, later replication). */
    public Propagation propagation() { return propagation; }

    /** The append-only file. */
    public AppendOnlyFile aof() { return aof; }

    /** Replication as a primary: ids, offset, backlog, replicas, WAIT. */
    public io.larder.node.replication.Replication replication() { return replication; }

    /** Runs every connection's requests, and EXEC's queued commands. */
    public Dispatcher dispatcher() { return dispatcher; }

    /** used_memory and its parts. */
    public Memory memory() { return memory; }

    /** maxmemory and its eviction policy. */
    public Evictor evictor() { return evictor; }

    /** The watched keys of all connections (WATCH). */
    public Watches watches() { return watches; }

    /** Client-side caching: tracked keys and invalidations (CLIENT TRACKING). */
    public Tracking tracking() { return tracking; }

    public ServerConfig config() { return config; }

    public Keyspace keyspace() { return keyspace; }

    public CommandTable commands() { return commands; }

    public ServerStats stats() { return stats; }

    public SlowLog slowLog() { return slowLog; }

    public long startMillis() { return startMillis; }

    public LatencyMonitor latencyMonitor() { return latencyMonitor; }

    /** Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time); the start time before any. */
    public long lastSaveSeconds() { return persistence.lastSaveSeconds(); }

    /** RDB saving and loading. */
    public Persistence persistence() { return persistence; }

    /** 40 hex characters, new at every start, as Redis's run_id. */
    public String runId() { return runId; }

    public Collection<Client> clients() { return clients.values(); }

    /** The MONITOR connections. */
    public MonitorFeed monitors() { return monitors; }

    /** Clients parked by blocking commands. */
    public BlockedClients blocked() { return blocked; }

    /** Scripts, functions and the thread that runs them. */
    public Scripting scripting() { return scripting; }

    /** Channel and pattern subscriptions. */
    public PubSub pubsub() { return pubsub; }

    PubSub.OutputLimit normalOutputLimit() { return normalOutputLimit; }

    /** Keyspace notifications (notify-keyspace-events). */
    public KeyspaceEvents keyspaceEvents() { return keyspaceEvents; }

    /** CLIENT PAUSE state. */
    public ClientPause pause() { return pause; }

    public Client client(long id) { return clients.get(id); }

    public NodeServer server() { return server; }

    void server(NodeServer server) { this.server = server; }

    long nextClientId() { return nextClientId.getAndIncrement(); }

    void register(Client client) { clients.put(client.id(), client); }

    void unregister(Client client) { clients.remove(client.id()); }
}
