package io.larder.node.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.engine.util.BytesHash;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.config.ConfigParam;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Server-assisted client-side caching (Redis's tracking.c): which clients may hold which keys, and the
 * invalidation messages sent when those keys change.
 * <p>
 * <b>Default mode.</b> After a read-only command of a tracking client its keys are remembered in the tracking
 * table (key name → client ids, shared by all databases as in Redis). A modification of a remembered key sends
 * each of those clients one invalidation and forgets the key. The table is split by stripe and each part is
 * guarded by its stripe lock, which both sides already hold: the reading command holds its keys' stripes, and a
 * writer signals while holding the key's stripe. So a read that saw the old value is always remembered before
 * the write that changes it looks, and a read that comes later sees the new value.
 * <p>
 * <b>BCAST mode.</b> Modified keys matching a registered prefix are collected per prefix and sent, sorted, once
 * the batch of requests in which they changed has been run (Redis sends them before its event loop sleeps).
 * <p>
 * <b>Delivery.</b> Invalidations a client causes to itself wait until its command (or transaction) has replied,
 * as in Redis 7; others go through the receiving connection's event loop. RESP3 clients get
 * {@code >2 invalidate [keys]} pushes; RESP2 clients need REDIRECT to a connection in pub/sub mode, which gets
 * them as messages of {@code __redis__:invalidate}. A redirect to a client that has gone away is reported to a
 * RESP3 client as {@code tracking-redir-broken}.
 * <p>
 * <b>Cost.</b> While no client tracks and the table is empty, this listener holds no modification interest, so
 * writes pay nothing beyond the keyspace's volatile check, and the dispatcher's hooks test only a per-connection
 * field.
 */
public final class Tracking implements KeyspaceListener {
    private static final byte[] INVALIDATE_PUSH = ascii(">2\r\n$10\r\ninvalidate\r\n");
    private static final byte[] INVALIDATE_MESSAGE = ascii("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
    private static final byte[] REDIRECT_BROKEN_PUSH = ascii(">2\r\n$21\r\ntracking-redir-broken\r\n:");
    private static final byte[] NULL_RESP2 = ascii("$-1\r\n");
    private static final byte[] NULL_RESP3 = ascii("_\r\n");
    /** Keys Redis evicts per round while the table is over tracking-table-max-keys, times the rounds missed. */
    private static final int EVICTION_EFFORT = 100;

    /** CLIENT TRACKING ON's options, checked by the command. {@code redirect} is 0 for none. */
    public record Options(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                          List<byte[]> prefixes) {
    }

    private final Node node;
    private final Keyspace keyspace;
    private final ConfigParam maxKeys;
    /** Per stripe: key → {@link Readers}; each guarded by its stripe's lock. */
    private final Dict[] tables = new Dict[Keyspace.STRIPES];
    /** Keys per stripe, readable without the lock, so eviction finds a non-empty stripe quickly. */
    private final AtomicIntegerArray stripeKeys = new AtomicIntegerArray(Keyspace.STRIPES);
    private final AtomicLong totalKeys = new AtomicLong();
    private final AtomicLong totalItems = new AtomicLong();
    private final AtomicInteger trackingClients = new AtomicInteger();
    /** Every connection that ever enabled tracking, by id: what table entries and prefixes refer to. */
    private final Map<Long, ClientTracking> states = new ConcurrentHashMap<>();
    /** BCAST prefixes in unsigned byte order, copy-on-write under this object's lock. */
    private volatile Prefix[] prefixes = new Prefix[0];
    private volatile boolean broadcastPending;
    /** Holding one unit of the keyspace's modification interest: some client tracks, or the table has keys. */
    private volatile boolean active;
    /** The tracking client whose command runs on this thread (Redis's current_client, when it tracks). */
    private final ThreadLocal<ClientTracking> current = new ThreadLocal<>();
    /** Per stripe: the key whose expiry is being signalled; Redis reports expiries with no client. */
    private final byte[][] expiring = new byte[Keyspace.STRIPES][];
    /** FLUSHALL/FLUSHDB emptied the table in the running command; set and read with every stripe held. */
    private boolean flushed;
    private final ReentrantLock evicting = new ReentrantLock();
    /** Rounds in a row that ended over the limit: each adds to the next round's effort, as in Redis. */
    private int evictionRounds;

    Tracking(Node node, Keyspace keyspace) {
        this.node = node;
        this.keyspace = keyspace;
        this.maxKeys = node.config().find("tracking-table-max-keys");
    }

    /** A BCAST prefix: its clients and the keys under it modified since the last broadcast. */
    private static final class Prefix {
        final byte[] bytes;
        volatile ClientTracking[] clients = new ClientTracking[0];
        /** Modified key → last modifier (null when not a tracking client); guarded by this object. */
        TreeMap<byte[], ClientTracking> keys = new TreeMap<>(Arrays::compareUnsigned);

        Prefix(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /** The client ids that may cache one key, as a small set. */
    private static final class Readers {
        long[] ids = new long[2];
        int size;

        boolean add(long id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    return false;
                }
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
            return true;
        }
    }

    // ---- connection state and CLIENT TRACKING -------------------------------------------------------------

    /** The client's tracking state, created on first use; call from its event loop. */
    private ClientTracking stateFor(Client c) {
        ClientTracking t = c.tracking();
        if (t == null) {
            t = new ClientTracking(c);
            c.tracking(t);
            states.put(c.id(), t);
        }
        return t;
    }

    /** The tracking state of any connection (CLIENT LIST), or null when it never tracked. */
    public ClientTracking stateOf(Client c) {
        return states.get(c.id());
    }

    /** Redis's enableTracking: options are already checked against each other and the client's state. */
    public synchronized void enable(Client c, Options options) {
        ClientTracking t = stateFor(c);
        if (!t.on) {
            trackingClients.incrementAndGet();
        }
        t.brokenRedirect = false;
        t.redirect = options.redirect();
        t.optin = options.optin();
        t.optout = options.optout();
        t.noloop = options.noloop();
        t.bcast = options.bcast();
        if (options.bcast()) {
            if (options.prefixes().isEmpty()) {
                subscribe(t, new byte[0]);
            }
            for (byte[] p : options.prefixes()) {
                subscribe(t, p);
            }
        }
        t.on = true;
        refreshInterest();
    }

    /** Redis's disableTracking: the client's table entries stay and are dropped lazily. */
    public synchronized void disable(Client c) {
        ClientTracking t = c.tracking();
        if (t == null) {
            return;
        }
        if (t.bcast) {
            for (byte[] p : t.prefixes) {
                unsubscribe(t, p);
            }
            t.prefixes.clear();
        }
        if (t.on) {
            t.on = false;
            trackingClients.decrementAndGet();
        }
        t.bcast = false;
        t.optin = false;
        t.optout = false;
        t.noloop = false;
        t.caching = false;
        t.brokenRedirect = false;
        refreshInterest();
    }

    /** The connection closed. */
    void clientClosed(Client c) {
        if (c.tracking() != null) {
            disable(c);
            states.remove(c.id());
        }
    }

    private void subscribe(ClientTracking t, byte[] prefix) {
        Prefix[] all = prefixes;
        int at = find(all, prefix);
        Prefix p;
        if (at >= 0) {
            p = all[at];
        } else {
            p = new Prefix(prefix);
            int insertAt = -at - 1;
            Prefix[] next = new Prefix[all.length + 1];
            System.arraycopy(all, 0, next, 0, insertAt);
            next[insertAt] = p;
            System.arraycopy(all, insertAt, next, insertAt + 1, all.length - insertAt);
            prefixes = next;
        }
        if (Arrays.asList(p.clients).contains(t)) {
            return;
        }
        ClientTracking[] clients = Arrays.copyOf(p.clients, p.clients.length + 1);
        clients[p.clients.length] = t;
        p.clients = clients;
        t.prefixes.add(prefix);
    }

    private void unsubscribe(ClientTracking t, byte[] prefix) {
        Prefix[] all = prefixes;
        int at = find(all, prefix);
        if (at < 0) {
            return;
        }
        Prefix p = all[at];
        p.clients = Arrays.stream(p.clients).filter(x -> x != t).toArray(ClientTracking[]::new);
        if (p.clients.length == 0) {
            Prefix[] next = new Prefix[all.length - 1];
            System.arraycopy(all, 0, next, 0, at);
            System.arraycopy(all, at + 1, next, at, all.length - at - 1);
            prefixes = next;
        }
    }

    private static int find(Prefix[] all, byte[] prefix) {
        int lo = 0;
        int hi = all.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Arrays.compareUnsigned(all[mid].bytes, prefix);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** Holds the modification interest exactly while something can need an invalidation. */
    private synchronized void refreshInterest() {
        boolean want = trackingClients.get() > 0 || totalKeys.get() > 0;
        if (want != active) {
            keyspace.modificationInterest(want ? 1 : -1);
            active = want;
        }
    }

    // ---- dispatcher hooks -----------------------------------------------------------------------------------

    /** Before a command of a client that has tracking state: Redis evicts over-limit keys before each command. */
    void beforeCommand(Client c) {
        ClientTracking t = c.tracking();
        current.set(t);
        if (t.on) {
            limitTable(t);
        }
        t.executing = true;
    }

    /**
     * After a command (or transaction) of a client with tracking state: ends a CLIENT CACHING choice unless the
     * command was a CLIENT subcommand or queued in MULTI (Redis's resetClient), then sends the invalidations the
     * command caused to this client.
     */
    void afterCommand(Client c, byte[][] args, boolean ran) {
        ClientTracking t = c.tracking();
        try {
            t.executing = false;
            if (ran && !c.transaction().open() && !isClientCommand(args)) {
                t.caching = false;
            }
            List<byte[]> deferred = t.takeDeferred();
            if (deferred != null) {
                for (byte[] payload : deferred) {
                    send(t, payload);
                }
            }
        } finally {
            current.set(null);
        }
    }

    private boolean isClientCommand(byte[][] args) {
        CommandSpec spec = node.commands().lookup(args[0]);
        return spec != null && spec.name().equals("client")
                && (args.length < 2 || CommandTable.subcommand(spec, args[1]) != null);
    }

    /**
     * After a handler ran, still under its locks: remembers the keys a read-only command of a tracking client
     * read (Redis's trackingRememberKeys), and sends the invalidation of a FLUSHALL/FLUSHDB.
     */
    public void afterHandler(Client c, CommandSpec spec, byte[][] args) {
        if (spec.wholeKeyspace() && flushed) {
            flushed = false;
            invalidateAll(current.get());
        }
        ClientTracking t = c.tracking();
        if (t != null && t.on && !t.bcast && spec.hasFlag("readonly") && !spec.hasFlag("pubsub")) {
            remember(t, spec, args);
        }
    }

    private void remember(ClientTracking t, CommandSpec spec, byte[][] args) {
        if (t.optin && !t.caching || t.optout && t.caching) {
            return;
        }
        long id = t.client.id();
        for (int p : spec.keyPositions(args)) {
            if (p >= args.length) {
                continue;
            }
            byte[] key = args[p];
            int stripe = Keyspace.stripeOf(key);
            Dict table = tables[stripe];
            if (table == null) {
                table = new Dict();
                tables[stripe] = table;
            }
            int hash = BytesHash.hash(BytesHash.VALUE_SEED, key);
            int i = table.find(key, hash);
            Readers readers;
            if (i < 0) {
                readers = new Readers();
                table.insert(key, hash, readers, 0);
                stripeKeys.incrementAndGet(stripe);
                totalKeys.incrementAndGet();
            } else {
                readers = (Readers) table.valueAt(i);
            }
            if (readers.add(id)) {
                totalItems.incrementAndGet();
            }
        }
    }

    // ---- keyspace listener --------------------------------------------------------------------------------

    @Override
    public void expired(Db db, byte[] key) {
        if (active) {
            expiring[Keyspace.stripeOf(key)] = key;
        }
    }

    @Override
    public void modified(Db db, byte[] key) {
        if (!active) {
            return;
        }
        int stripe = Keyspace.stripeOf(key);
        ClientTracking running = current.get();
        ClientTracking modifier = running;
        if (expiring[stripe] == key) {
            expiring[stripe] = null;
            modifier = null;
        }
        if (prefixes.length > 0) {
            rememberForBroadcast(key, modifier);
        }
        invalidate(stripe, key, running);
    }

    @Override
    public void flushing(Db db) {
        if (!active) {
            return;
        }
        flushed = true;
        if (totalKeys.get() == 0) {
            return;
        }
        for (int s = 0; s < Keyspace.STRIPES; s++) {
            if (tables[s] != null) {
                tables[s] = null;
                stripeKeys.set(s, 0);
            }
        }
        totalKeys.set(0);
        totalItems.set(0);
        refreshInterest();
    }

    /** Redis's trackingInvalidateKey without the broadcast part; the caller holds the key's stripe. */
    private void invalidate(int stripe, byte[] key, ClientTracking running) {
        Dict table = tables[stripe];
        if (table == null || table.size() == 0) {
            return;
        }
        int i = table.find(key, BytesHash.hash(BytesHash.VALUE_SEED, key));
        if (i < 0) {
            return;
        }
        Readers readers = (Readers) table.valueAt(i);
        table.removeAt(i);
        stripeKeys.decrementAndGet(stripe);
        totalItems.addAndGet(-readers.size);
        byte[] payload = null;
        for (int r = 0; r < readers.size; r++) {
            ClientTracking target = states.get(readers.ids[r]);
            // A client that switched to BCAST since it read the key no longer wants these.
            if (target == null || !target.on || target.bcast) {
                continue;
            }
            if (target.noloop && target == running) {
                continue;
            }
            if (payload == null) {
                payload = keyArray(key);
            }
            if (target == running && target.executing) {
                target.defer(payload);
            } else {
                send(target, payload);
            }
        }
        if (totalKeys.decrementAndGet() == 0) {
            refreshInterest();
        }
    }

    /** A flush: every tracking client is told that all its keys are invalid (a null instead of keys). */
    private void invalidateAll(ClientTracking running) {
        for (ClientTracking t : states.values()) {
            if (!t.on) {
                continue;
            }
            byte[] payload = t.client.reply().resp3() ? NULL_RESP3 : NULL_RESP2;
            if (t == running && t.executing) {
                t.defer(payload);
            } else {
                send(t, payload);
            }
        }
    }

    private void rememberForBroadcast(byte[] key, ClientTracking modifier) {
        for (Prefix p : prefixes) {
            if (startsWith(key, p.bytes)) {
                synchronized (p) {
                    p.keys.put(key, modifier);
                }
                if (!broadcastPending) {
                    broadcastPending = true;
                }
            }
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    // ---- broadcasting, eviction, delivery -------------------------------------------------------------------

    /**
     * Sends each prefix's modified keys to its clients (Redis's trackingBroadcastInvalidationMessages). Called
     * when a connection has run a batch of requests, and by the cron; one volatile read when there is nothing.
     */
    void flushBroadcasts() {
        if (!broadcastPending) {
            return;
        }
        broadcastPending = false;
        for (Prefix p : prefixes) {
            TreeMap<byte[], ClientTracking> keys;
            synchronized (p) {
                if (p.keys.isEmpty()) {
                    continue;
                }
                keys = p.keys;
                p.keys = new TreeMap<>(Arrays::compareUnsigned);
            }
            byte[] all = keysArray(keys, null);
            for (ClientTracking t : p.clients) {
                if (t.noloop) {
                    byte[] others = keysArray(keys, t);
                    if (others != null) {
                        send(t, others);
                    }
                } else {
                    send(t, all);
                }
            }
        }
    }

    /** The cron's share: broadcasts of keys it expired, and the table limit even when no command comes. */
    void cron() {
        flushBroadcasts();
        if (active) {
            limitTable(null);
        }
    }

    /**
     * Redis's trackingLimitUsedSlots: while the table holds more keys than tracking-table-max-keys, forgets
     * random keys, telling their clients as if the keys had changed. The effort grows with every round that
     * could not get under the limit. Takes one stripe lock at a time; the caller holds none.
     */
    private void limitTable(ClientTracking running) {
        long max = maxKeys.asLong();
        if (max == 0 || totalKeys.get() <= max || !evicting.tryLock()) {
            return;
        }
        try {
            int effort = EVICTION_EFFORT * (evictionRounds + 1);
            while (effort-- > 0 && totalKeys.get() > max) {
                if (!evictOne(running)) {
                    break;
                }
            }
            evictionRounds = totalKeys.get() > max ? evictionRounds + 1 : 0;
        } finally {
            evicting.unlock();
        }
    }

    private boolean evictOne(ClientTracking running) {
        int start = ThreadLocalRandom.current().nextInt(Keyspace.STRIPES);
        for (int n = 0; n < Keyspace.STRIPES; n++) {
            int stripe = (start + n) & (Keyspace.STRIPES - 1);
            if (stripeKeys.get(stripe) == 0) {
                continue;
            }
            keyspace.lockStripe(stripe);
            try {
                Dict table = tables[stripe];
                if (table == null || table.size() == 0) {
                    continue;
                }
                byte[] key = table.keyAt(table.randomCell(ThreadLocalRandom.current()));
                invalidate(stripe, key, running);
                return true;
            } finally {
                keyspace.unlockStripe(stripe);
            }
        }
        return false;
    }

    /**
     * Redis's sendTrackingMessage: the invalidation goes to the client itself (RESP3 only: a RESP2 connection
     * cannot take pushes) or to its redirect target, as a push or, to a RESP2 target in pub/sub mode, as a
     * message of {@code __redis__:invalidate}. {@code payload} is the RESP of the keys (or of a null).
     */
    private void send(ClientTracking t, byte[] payload) {
        Client target = t.client;
        long redirect = t.redirect;
        if (redirect != 0) {
            Client to = node.client(redirect);
            if (to == null) {
                t.brokenRedirect = true;
                if (t.client.reply().resp3()) {
                    deliver(t.client, concat(REDIRECT_BROKEN_PUSH, ascii(redirect + "\r\n")));
                }
                return;
            }
            target = to;
        }
        if (target.reply().resp3()) {
            deliver(target, concat(INVALIDATE_PUSH, payload));
        } else if (redirect != 0 && target.subscribed()) {
            deliver(target, concat(INVALIDATE_MESSAGE, payload));
        }
    }

    /** Writes at once when the receiver's own command runs on this thread, else through its event loop. */
    private void deliver(Client to, byte[] push) {
        ClientTracking running = current.get();
        if (running != null && running.client == to) {
            to.push(push);
        } else {
            to.pushMailbox().offer(push);
        }
    }

    // ---- INFO -----------------------------------------------------------------------------------------------

    /** INFO tracking_clients. */
    public int trackingClients() { return trackingClients.get(); }

    /** INFO tracking_total_keys: keys in the tracking table. */
    public long totalKeys() { return totalKeys.get(); }

    /** INFO tracking_total_items: client ids over all keys of the table. */
    public long totalItems() { return totalItems.get(); }

    /** INFO tracking_total_prefixes: BCAST prefixes registered. */
    public int totalPrefixes() { return prefixes.length; }

    // ---- encoding -------------------------------------------------------------------------------------------

    private static byte[] keyArray(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + key.length);
        out.writeBytes(ascii("*1\r\n"));
        PubSub.bulk(out, key);
        return out.toByteArray();
    }

    /** The keys as a RESP array, leaving out those last modified by {@code skip}; null if that leaves none. */
    private static byte[] keysArray(TreeMap<byte[], ClientTracking> keys, ClientTracking skip) {
        int count = 0;
        for (ClientTracking modifier : keys.values()) {
            if (skip == null || modifier != skip) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * count);
        out.writeBytes(ascii("*" + count + "\r\n"));
        for (Map.Entry<byte[], ClientTracking> e : keys.entrySet()) {
            if (skip == null || e.getValue() != skip) {
                PubSub.bulk(out, e.getKey());
            }
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] b = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, b, head.length, tail.length);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
