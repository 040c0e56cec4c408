package io.larder.control.model;

import java.util.List;

/**
 * The parameters of the default groups ({@code default.redis7}, {@code default.memcached1.6}) with ElastiCache's
 * defaults (e.g. maxmemory-policy volatile-lru). Redis nodes get every one in their config file.
 */
public final class DefaultParameters {
    public static final String IMMEDIATE = "immediate";
    public static final String REQUIRES_REBOOT = "requires-reboot";

    private static final List<Parameter> REDIS7 = List.of(
            p("activedefrag", "no", "string", "yes,no", IMMEDIATE, "Enable active memory defragmentation."),
            p("databases", "16", "integer", "1-1200000", REQUIRES_REBOOT, "Number of logical databases."),
            p("hash-max-listpack-entries", "128", "integer", "0-", IMMEDIATE,
                    "Largest hash kept in the compact listpack encoding, in entries."),
            p("lazyfree-lazy-eviction", "no", "string", "yes,no", IMMEDIATE, "Free evicted keys in the background."),
            p("list-max-listpack-size", "-2", "integer", "-5-", IMMEDIATE, "Listpack size of list nodes."),
            new Parameter("maxclients", "65000", "integer", "1-65000", false, REQUIRES_REBOOT,
                    "Maximum number of connected clients."),
            p("maxmemory-policy", "volatile-lru", "string",
                    "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction",
                    IMMEDIATE, "What to evict when maxmemory is reached."),
            p("maxmemory-samples", "3", "integer", "1-", IMMEDIATE, "Keys sampled per eviction."),
            p("notify-keyspace-events", "", "string", null, IMMEDIATE, "Keyspace events published on pub/sub."),
            p("set-max-intset-entries", "512", "integer", "0-", IMMEDIATE, "Largest set kept as an intset."),
            p("slowlog-log-slower-than", "10000", "integer", "-", IMMEDIATE,
                    "Commands slower than this many microseconds go to the slow log."),
            p("slowlog-max-len", "128", "integer", "0-", IMMEDIATE, "Length of the slow log."),
            p("tcp-keepalive", "300", "integer", "0-", IMMEDIATE, "TCP keepalive interval in seconds."),
            p("timeout", "0", "integer", "0-", IMMEDIATE, "Close idle client connections after this many seconds."),
            p("zset-max-listpack-entries", "128", "integer", "0-", IMMEDIATE,
                    "Largest sorted set kept in the compact listpack encoding."));

    private DefaultParameters() {
    }

    /** The family's parameters, or an empty list for memcached (its nodes take no tunables yet). */
    public static List<Parameter> of(Engine engine) {
        return engine == Engine.REDIS ? REDIS7 : List.of();
    }

    private static Parameter p(String name, String value, String type, String allowed, String change, String doc) {
        return new Parameter(name, value, type, allowed, true, change, doc);
    }
}
