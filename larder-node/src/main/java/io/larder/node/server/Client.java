package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.node.acl.User;
import io.larder.resp.ReplyWriter;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;

/**
 * The state of one client connection: selected database, protocol, authentication, names, and the writer its
 * replies go to. Touched only by the connection's event loop, except for fields read by CLIENT LIST/KILL.
 */
public final class Client {
    private final long id;
    private final Node node;
    private final Channel channel;
    private final ReplyWriter reply;
    private final long createdMillis;
    private volatile int dbIndex;
    private volatile String name = "";
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile boolean authenticated;
    /** The ACL user this connection runs as; the dispatcher reads its {@code unrestricted} flag per command. */
    private volatile User aclUser;
    /** When the token this connection logged in with expires (0: not logged in with a token). */
    private volatile long loginExpiresMillis;
    private volatile long lastInteractionMillis;
    private volatile String lastCommand = "NULL";
    private volatile boolean closeAfterReply;
    private volatile boolean killed;
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean skipNextReply;
    private boolean noEvict;
    private boolean noTouch;
    private boolean monitor;
    /** The replication link's client: runs the primary's stream, no replies, no permission checks. */
    private boolean master;
    private boolean commandFailed;
    private ClientHandler handler;
    private final Transaction transaction;
    /** True while a command runs whose replies CLIENT REPLY OFF/SKIP will drop; pushes then wait aside. */
    private boolean repliesDropped;
    private java.util.List<byte[]> keptPushes;
    /** Pub/sub state, created on the first subscription. */
    private volatile Subscriptions subscriptions;
    /** CLIENT TRACKING state, created on first use; read only by this connection's event loop. */
    private ClientTracking tracking;
    /** Invalidations handed over by other threads, created on first use. */
    private volatile PushMailbox pushMailbox;

    /**
     * The propagation log position this client's replies must wait for (the AOF): set on its event loop, or by
     * the script thread before it hands the script's reply to that loop.
     */
    private long awaitedLogPosition;
    /** master_repl_offset after this client's last command (Redis's c->woff): what its WAIT waits for. */
    private volatile long replOffset;
    private byte[][] currentCommand;

    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP }

    Client(long id, Node node, Channel channel, ReplyWriter reply) {
        this.id = id;
        this.node = node;
        this.channel = channel;
        this.reply = reply;
        this.createdMillis = System.currentTimeMillis();
        this.lastInteractionMillis = createdMillis;
        this.aclUser = node.acl().defaultUser();
        this.authenticated = !node.acl().authRequired();
        this.transaction = new Transaction(node.watches());
    }

    private boolean internal;

    /** A connection-less client for replaying commands inside the node (loading the AOF). */
    public static Client internal(Node node) {
        Client c = new Client(0, node, new io.netty.channel.embedded.EmbeddedChannel(),
                new ReplyWriter(io.netty.buffer.ByteBufAllocator.DEFAULT));
        c.authenticated = true;
        c.internal = true;
        return c;
    }

    /** The AOF loader's client: its commands run while the node answers others with LOADING. */
    public boolean internal() { return internal; }

    /**
     * The client a replica runs its primary's stream as (Redis's master client), on the link's channel: listed by
     * CLIENT LIST (flag M, type master) and killed by CLIENT KILL, which closes the link.
     */
    public static Client master(Node node, Channel channel) {
        Client c = new Client(node.nextClientId(), node, channel, new ReplyWriter(channel.alloc()));
        c.authenticated = true;
        c.master = true;
        node.register(c);
        return c;
    }

    /** The link of a master client ended. */
    public void releaseMaster() {
        node.unregister(this);
        transaction.discard();
        reply.discard();
    }

    public boolean master() { return master; }

    /** MULTI/EXEC and WATCH state. */
    public Transaction transaction() { return transaction; }

    public long id() { return id; }

    public Node node() { return node; }

    public Channel channel() { return channel; }

    /** Where replies are written. Prefer {@link #error} for errors, which also keeps error statistics. */
    public ReplyWriter reply() { return reply; }

    public Db db() { return node.keyspace().db(dbIndex); }

    public int dbIndex() { return dbIndex; }

    /** Reports a keyspace event (a KeyspaceEvents class, Redis's event name) on a key of the selected database. */
    public void notify(int type, String event, byte[] key) {
        if (type != KeyspaceEvents.KEY_MISS) {
            // A write event is a change even where no key signal comes (XGROUP, PFCOUNT's cache): Redis's dirty.
            node.propagation().changed();
        }
        node.keyspaceEvents().notify(type, event, key, dbIndex);
    }

    public void select(int index) { this.dbIndex = index; }

    /** Replies with an error (message starting with its code, e.g. "ERR ...") and counts it as a failed call. */
    public void error(String message) {
        reply.error(message);
        commandFailed = true;
        node.stats().recordError(message);
    }

    boolean takeCommandFailed() {
        boolean f = commandFailed;
        commandFailed = false;
        return f;
    }

    /**
     * Logs this command as the given commands instead of as received (Redis's rewriteClientCommandVector and
     * alsoPropagate): call once per command to log. Cheap no-op while nothing follows writes.
     */
    public void propagate(byte[]... args) {
        node.propagation().propagate(args);
    }

    /** The command running now (the dispatcher sets it), for a blocking command to be logged when served. */
    void currentCommand(byte[][] args) { this.currentCommand = args; }

    byte[][] currentCommand() { return currentCommand; }

    /** Remembers the highest log position the replies written so far must wait for. */
    void awaitLogPosition(long position) {
        if (position > awaitedLogPosition) {
            awaitedLogPosition = position;
        }
        long offset = node.replication().offset();
        if (offset != replOffset) {
            replOffset = offset;
        }
    }

    /** The AOF position of this client's last write (0: none since the node started): what WAITAOF waits for. */
    public long awaitedLogPosition() { return awaitedLogPosition; }

    /** The replication offset after this client's last command, its own writes included (WAIT, WAITAOF). */
    public long replOffset() { return replOffset; }

    public String name() { return name; }

    public void name(String name) { this.name = name; }

    public String libName() { return libName; }

    public void libName(String libName) { this.libName = libName; }

    public String libVersion() { return libVersion; }

    public void libVersion(String libVersion) { this.libVersion = libVersion; }

    public boolean authenticated() { return authenticated; }

    /** Whether commands need AUTH first: the default user needs a password (or is off) and this client has not given it. */
    public boolean authRequired() {
        return !authenticated && node.acl().authRequired();
    }

    public void authenticated(boolean authenticated) { this.authenticated = authenticated; }

    /** The name of the ACL user this connection runs as (CLIENT LIST's user=). */
    public String user() { return aclUser.name(); }

    public User aclUser() { return aclUser; }

    /** Runs this connection as {@code user} from now on (AUTH, HELLO AUTH, RESET). */
    public void aclUser(User user) { this.aclUser = user; }

    /** When this connection's login token expires and the connection is closed; 0 for none. */
    public long loginExpiresMillis() { return loginExpiresMillis; }

    public void loginExpiresMillis(long millis) { this.loginExpiresMillis = millis; }

    public long createdMillis() { return createdMillis; }

    public long lastInteractionMillis() { return lastInteractionMillis; }

    void touch(long now) { this.lastInteractionMillis = now; }

    public String lastCommand() { return lastCommand; }

    void lastCommand(String fullName) { this.lastCommand = fullName; }

    /** Ends the connection once the replies written so far are sent (QUIT, protocol errors). */
    public void closeAfterReply() { this.closeAfterReply = true; }

    public boolean closingAfterReply() { return closeAfterReply; }

    /** Closes the connection from any thread (CLIENT KILL, idle timeout, SHUTDOWN). */
    public void kill() {
        killed = true;
        channel.close();
    }

    public boolean killed() { return killed; }

    public ReplyMode replyMode() { return replyMode; }

    public void replyMode(ReplyMode mode) { this.replyMode = mode; }

    public void skipNextReply() { this.skipNextReply = true; }

    boolean skippingNextReply() { return skipNextReply; }

    boolean takeSkipNextReply() {
        boolean s = skipNextReply;
        skipNextReply = false;
        return s;
    }

    void repliesDropped(boolean dropped) { this.repliesDropped = dropped; }

    /**
     * Writes a push (pub/sub confirmation or message) for this client. Redis sends pushes even under CLIENT
     * REPLY OFF/SKIP, so while the running command's replies are about to be dropped they are kept aside.
     */
    public void push(byte[] encoded) {
        if (repliesDropped) {
            if (keptPushes == null) {
                keptPushes = new java.util.ArrayList<>();
            }
            keptPushes.add(encoded);
        } else {
            reply.raw(encoded);
        }
    }

    /** Writes the pushes kept while replies were being dropped. */
    void writeKeptPushes() {
        if (keptPushes != null) {
            keptPushes.forEach(reply::raw);
            keptPushes = null;
        }
    }

    public boolean noEvict() { return noEvict; }

    public void noEvict(boolean on) { this.noEvict = on; }

    public boolean noTouch() { return noTouch; }

    /** CLIENT NO-TOUCH: this client's reads stop updating keys' access clocks (TOUCH still does). */
    public void noTouch(boolean on) {
        if (on != noTouch) {
            node.keyspace().noTouchClients(on ? 1 : -1);
            noTouch = on;
        }
    }

    public boolean monitor() { return monitor; }

    public void monitor(boolean on) { this.monitor = on; }

    public ClientHandler handler() { return handler; }

    /** This client's pub/sub state, created when first needed (its own event loop). */
    Subscriptions subscriptions() {
        Subscriptions s = subscriptions;
        if (s == null) {
            subscriptions = s = new Subscriptions();
        }
        return s;
    }

    /** Pub/sub state for readers on any thread (CLIENT LIST, INFO); null if it never subscribed. */
    public Subscriptions subscriptionsIfAny() { return subscriptions; }

    /** Subscribed to anything (CLIENT LIST flag P, client type pubsub). */
    public boolean subscribed() {
        Subscriptions s = subscriptions;
        return s != null && s.total() > 0;
    }

    /** RESP2's subscribed mode, where only (un)subscribing, PING, QUIT and RESET may run. */
    public boolean subscribedResp2() {
        return reply.protocol() == 2 && subscribed();
    }

    void handler(ClientHandler handler) { this.handler = handler; }

    /** Tracking state for this connection's own event loop; null until CLIENT TRACKING was first used. */
    public ClientTracking tracking() { return tracking; }

    void tracking(ClientTracking tracking) { this.tracking = tracking; }

    PushMailbox pushMailbox() {
        PushMailbox m = pushMailbox;
        if (m == null) {
            synchronized (this) {
                m = pushMailbox;
                if (m == null) {
                    pushMailbox = m = new PushMailbox(this);
                }
            }
        }
        return m;
    }

    public String remoteAddress() {
        return format(channel.remoteAddress());
    }

    public String localAddress() {
        return format(channel.localAddress());
    }

    private static String format(java.net.SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            // Redis's anetFormatAddr: IPv6 addresses in brackets.
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + inet.getPort() : host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
