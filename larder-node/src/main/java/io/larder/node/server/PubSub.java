package io.larder.node.server;

import io.larder.engine.util.BytesHash;
import io.larder.engine.util.Glob;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's pub/sub registry: which clients listen to which channels, patterns and shard channels, and the
 * delivery of published messages.
 * <p>
 * Subscriber lists are copy-on-write arrays, so PUBLISH on either event loop reads them without a lock;
 * changes are serialized on the registry. A message reaches a subscriber through the subscriber's own event
 * loop ({@link Subscriptions#deliver}), after whatever replies it has pending, in Redis's order.
 */
public final class PubSub {
    /** The three kinds of subscription and the words of their messages. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final byte[] subscribeWord;
        final byte[] unsubscribeWord;
        final byte[] messageWord;

        Kind(String subscribe, String unsubscribe, String message) {
            this.subscribeWord = subscribe.getBytes(StandardCharsets.US_ASCII);
            this.unsubscribeWord = unsubscribe.getBytes(StandardCharsets.US_ASCII);
            this.messageWord = message.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Commands a RESP2 client may still run while subscribed (Redis's processCommand list). */
    private static final Set<String> ALLOWED_WHILE_SUBSCRIBED = Set.of("ping", "subscribe", "ssubscribe",
            "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] PUSH3 = {'>', '3', '\r', '\n'};
    private static final byte[] ARRAY3 = {'*', '3', '\r', '\n'};
    private static final byte[] NULL3 = {'_', '\r', '\n'};
    private static final byte[] NULL_BULK2 = {'$', '-', '1', '\r', '\n'};

    private final Map<Name, Client[]> channels = new ConcurrentHashMap<>();
    private final Map<Name, Client[]> shardChannels = new ConcurrentHashMap<>();
    private final Map<Name, Client[]> patterns = new ConcurrentHashMap<>();
    /** The pattern table as an array PUBLISH walks, rebuilt on every pattern change. */
    private volatile PatternEntry[] patternList = new PatternEntry[0];
    private volatile int subscribedClients;
    private final OutputLimit outputLimit;

    PubSub(ServerConfig config) {
        this.outputLimit = OutputLimit.follow(config, "pubsub");
    }

    /** The pubsub class of client-output-buffer-limit, as last configured. */
    OutputLimit outputLimit() {
        return outputLimit;
    }

    /** True when the command may run for this client; RESP3 clients may run anything while subscribed. */
    public static boolean allowedInContext(Client client, String fullName) {
        return !client.subscribedResp2() || ALLOWED_WHILE_SUBSCRIBED.contains(fullName);
    }

    public static String notAllowedInContext(String fullName) {
        return "ERR Can't execute '" + fullName
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    }

    /** SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE: subscribes to args[1..] and confirms each, in argument order. */
    public void subscribe(Client client, Kind kind, byte[][] args) {
        Subscriptions subs = client.subscriptions();
        for (int i = 1; i < args.length; i++) {
            Name name = new Name(args[i]);
            synchronized (this) {
                if (subs.of(kind).add(name)) {
                    table(kind).compute(name, (k, list) -> append(list, client));
                    afterChange(kind, subs, +1);
                }
            }
            confirm(client, kind.subscribeWord, args[i], subs.count(kind));
        }
    }

    /** UNSUBSCRIBE and friends: args[1..], or everything this client has of the kind when there are none. */
    public void unsubscribe(Client client, Kind kind, byte[][] args) {
        Subscriptions subs = client.subscriptions();
        if (args.length > 1) {
            for (int i = 1; i < args.length; i++) {
                remove(client, subs, kind, new Name(args[i]));
                confirm(client, kind.unsubscribeWord, args[i], subs.count(kind));
            }
            return;
        }
        List<Name> all = new ArrayList<>(subs.of(kind));
        for (Name name : all) {
            remove(client, subs, kind, name);
            confirm(client, kind.unsubscribeWord, name.bytes, subs.count(kind));
        }
        if (all.isEmpty()) {
            confirm(client, kind.unsubscribeWord, null, subs.count(kind));
        }
    }

    /** Drops every subscription of a client without telling it (RESET, disconnection). */
    public void unsubscribeAll(Client client) {
        Subscriptions subs = client.subscriptionsIfAny();
        if (subs == null) {
            return;
        }
        for (Kind kind : Kind.values()) {
            for (Name name : new ArrayList<>(subs.of(kind))) {
                remove(client, subs, kind, name);
            }
        }
    }

    private void remove(Client client, Subscriptions subs, Kind kind, Name name) {
        synchronized (this) {
            if (subs.of(kind).remove(name)) {
                table(kind).computeIfPresent(name, (k, list) -> without(list, client));
                afterChange(kind, subs, -1);
            }
        }
    }

    private void afterChange(Kind kind, Subscriptions subs, int delta) {
        subs.recount();
        int total = subs.total();
        if (delta > 0 && total == 1) {
            subscribedClients++;
        } else if (delta < 0 && total == 0) {
            subscribedClients--;
        }
        if (kind == Kind.PATTERN) {
            patternList = patterns.entrySet().stream()
                    .map(e -> new PatternEntry(e.getKey(), e.getValue()))
                    .toArray(PatternEntry[]::new);
        }
    }

    private Map<Name, Client[]> table(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static Client[] append(Client[] list, Client client) {
        if (list == null) {
            return new Client[]{client};
        }
        Client[] next = Arrays.copyOf(list, list.length + 1);
        next[list.length] = client;
        return next;
    }

    /** The list without the client, or null (which removes the entry) when it was the last one. */
    private static Client[] without(Client[] list, Client client) {
        int at = Arrays.asList(list).indexOf(client);
        if (at < 0) {
            return list;
        }
        if (list.length == 1) {
            return null;
        }
        Client[] next = new Client[list.length - 1];
        System.arraycopy(list, 0, next, 0, at);
        System.arraycopy(list, at + 1, next, at, list.length - at - 1);
        return next;
    }

    /** A (un)subscribe confirmation: a push in RESP3, a three-element array in RESP2; a null name when there was none. */
    private static void confirm(Client client, byte[] word, byte[] name, int count) {
        boolean resp3 = client.reply().resp3();
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + word.length + (name == null ? 0 : name.length));
        out.writeBytes(resp3 ? PUSH3 : ARRAY3);
        bulk(out, word);
        if (name == null) {
            out.writeBytes(resp3 ? NULL3 : NULL_BULK2);
        } else {
            bulk(out, name);
        }
        out.write(':');
        out.writeBytes(Long.toString(count).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
        client.push(out.toByteArray());
    }

    /** Appends a RESP bulk string (also used for tracking invalidations). */
    static void bulk(ByteArrayOutputStream out, byte[] value) {
        out.write('$');
        out.writeBytes(Integer.toString(value.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
        out.writeBytes(value);
        out.writeBytes(CRLF);
    }

    /**
     * PUBLISH (CHANNEL) or SPUBLISH (SHARD): sends the message to the channel's subscribers and, for PUBLISH,
     * to the subscribers of every matching pattern. Returns the number of deliveries, as Redis counts them
     * (a client subscribed to the channel and to a matching pattern counts, and receives, twice).
     */
    public int publish(Client publisher, Kind kind, byte[] channel, byte[] message) {
        int receivers = 0;
        Name name = new Name(channel);
        Client[] direct = table(kind).get(name);
        if (direct != null) {
            Encoded encoded = new Encoded(kind, name, null, channel, message);
            for (Client c : direct) {
                deliver(publisher, c, encoded);
            }
            receivers += direct.length;
        }
        if (kind == Kind.CHANNEL) {
            for (PatternEntry p : patternList) {
                if (Glob.matches(p.pattern.bytes, channel, false)) {
                    Encoded encoded = new Encoded(Kind.PATTERN, p.pattern, p.pattern.bytes, channel, message);
                    for (Client c : p.clients) {
                        deliver(publisher, c, encoded);
                    }
                    receivers += p.clients.length;
                }
            }
        }
        return receivers;
    }

    private void deliver(Client publisher, Client target, Encoded message) {
        byte[] bytes = message.forProtocol(target.reply().protocol());
        if (target == publisher) {
            // Already on its event loop, mid-command: the message precedes the PUBLISH reply, as in Redis.
            target.push(bytes);
            return;
        }
        target.subscriptionsIfAny().deliver(target, publisher, message.kind, message.subscription, bytes, outputLimit);
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: the active channels matching the pattern (all when null). */
    public List<byte[]> activeChannels(Kind kind, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (Name name : table(kind).keySet()) {
            if (pattern == null || Glob.matches(pattern, name.bytes, false)) {
                out.add(name.bytes);
            }
        }
        return out;
    }

    /** Subscribers of one channel (NUMSUB) or shard channel (SHARDNUMSUB), patterns not counted. */
    public int subscriberCount(Kind kind, byte[] channel) {
        Client[] list = table(kind).get(new Name(channel));
        return list == null ? 0 : list.length;
    }

    /** INFO pubsub_channels, pubsub_patterns (NUMPAT), pubsubshard_channels. */
    public int size(Kind kind) {
        return table(kind).size();
    }

    /** INFO pubsub_clients: clients with at least one subscription of any kind. */
    public int subscribedClients() {
        return subscribedClients;
    }

    /** A channel or pattern name as a map key. */
    static final class Name {
        final byte[] bytes;
        private final int hash;

        Name(byte[] bytes) {
            this.bytes = bytes;
            this.hash = BytesHash.hash(BytesHash.VALUE_SEED, bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Name n && n.hash == hash && Arrays.equals(n.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record PatternEntry(Name pattern, Client[] clients) {
    }

    /** One message in both protocols' framing, each built on first use and shared by all its receivers. */
    private static final class Encoded {
        /** The subscription that brought the message: a receiver that has dropped it by delivery time skips it. */
        final Kind kind;
        final Name subscription;
        private final byte[] word;
        private final byte[] pattern;
        private final byte[] channel;
        private final byte[] message;
        private byte[] resp2;
        private byte[] resp3;

        Encoded(Kind kind, Name subscription, byte[] pattern, byte[] channel, byte[] message) {
            this.kind = kind;
            this.subscription = subscription;
            this.word = kind.messageWord;
            this.pattern = pattern;
            this.channel = channel;
            this.message = message;
        }

        byte[] forProtocol(int protocol) {
            if (protocol == 3) {
                return resp3 != null ? resp3 : (resp3 = encode('>'));
            }
            return resp2 != null ? resp2 : (resp2 = encode('*'));
        }

        private byte[] encode(char type) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(40 + channel.length + message.length);
            out.write(type);
            out.writeBytes(Integer.toString(pattern == null ? 3 : 4).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(CRLF);
            bulk(out, word);
            if (pattern != null) {
                bulk(out, pattern);
            }
            bulk(out, channel);
            bulk(out, message);
            return out.toByteArray();
        }
    }

    /** One class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds (0 = no limit). */
    static final class OutputLimit {
        private final String clientClass;
        volatile long hard;
        volatile long soft;
        volatile long softSeconds;

        OutputLimit(String config) {
            this(config, "pubsub");
        }

        OutputLimit(String config, String clientClass) {
            this.clientClass = clientClass;
            update(config);
        }

        /** The class's limit as configured now and after every CONFIG SET. */
        static OutputLimit follow(ServerConfig config, String clientClass) {
            ConfigParam param = config.find("client-output-buffer-limit");
            OutputLimit limit = new OutputLimit(param.text(), clientClass);
            param.onChange(new ConfigParam.ConfigHook() {
                @Override
                public void changed(String value) {
                    limit.update(value);
                }
            });
            return limit;
        }

        void update(String config) {
            String[] words = config.trim().split("\\s+");
            for (int i = 0; i + 3 < words.length; i += 4) {
                if (words[i].equalsIgnoreCase(clientClass)) {
                    hard = Long.parseLong(words[i + 1]);
                    soft = Long.parseLong(words[i + 2]);
                    softSeconds = Long.parseLong(words[i + 3]);
                }
            }
        }

        boolean unlimited() {
            return hard == 0 && soft == 0;
        }

        /** One client's standing against a limit: when its pending output first passed the soft limit. */
        static final class Watch {
            private long overSoftLimitSince;

            /** Redis's rule: over the hard limit at once, or over the soft one for longer than its seconds. */
            boolean over(long pending, OutputLimit limit, long nowMillis) {
                long hard = limit.hard;
                long soft = limit.soft;
                if (hard > 0 && pending >= hard) {
                    return true;
                }
                if (soft > 0 && pending >= soft) {
                    if (overSoftLimitSince == 0) {
                        overSoftLimitSince = nowMillis;
                        return false;
                    }
                    return (nowMillis - overSoftLimitSince) / 1000 > limit.softSeconds;
                }
                overSoftLimitSince = 0;
                return false;
            }
        }
    }
}
