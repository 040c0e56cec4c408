package io.larder.control.model;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The parameters of each family ({@code redis7}, {@code memcached1.6}) with ElastiCache's defaults (e.g.
 * maxmemory-policy volatile-lru), data types, allowed values and change types. Every node is started with its
 * group's values: Redis nodes in their config file, memcached nodes as command-line flags.
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
                    "Maximum number of connected clients.", Parameter.SYSTEM),
            system(p("maxmemory-policy", "volatile-lru", "string",
                    "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction",
                    IMMEDIATE, "What to evict when maxmemory is reached.")),
            system(p("maxmemory-samples", "3", "integer", "1-", IMMEDIATE, "Keys sampled per eviction.")),
            p("notify-keyspace-events", "", "string", null, IMMEDIATE, "Keyspace events published on pub/sub."),
            p("set-max-intset-entries", "512", "integer", "0-", IMMEDIATE, "Largest set kept as an intset."),
            p("slowlog-log-slower-than", "10000", "integer", "-", IMMEDIATE,
                    "Commands slower than this many microseconds go to the slow log."),
            p("slowlog-max-len", "128", "integer", "0-", IMMEDIATE, "Length of the slow log."),
            p("tcp-keepalive", "300", "integer", "0-", IMMEDIATE, "TCP keepalive interval in seconds."),
            p("timeout", "0", "integer", "0-", IMMEDIATE, "Close idle client connections after this many seconds."),
            p("zset-max-listpack-entries", "128", "integer", "0-", IMMEDIATE,
                    "Largest sorted set kept in the compact listpack encoding."));

    /** memcached takes its settings as flags at start: every parameter needs a reboot. */
    private static final List<Parameter> MEMCACHED16 = List.of(
            p("cas_disabled", "0", "boolean", "0,1", REQUIRES_REBOOT, "If 1 (true), check-and-set (CAS) is disabled (-C)."),
            p("chunk_size", "48", "integer", "1-", REQUIRES_REBOOT,
                    "Minimum bytes allocated for the smallest item's key, value and flags (-n)."),
            p("chunk_size_growth_factor", "1.25", "float", "1.01-2", REQUIRES_REBOOT,
                    "Growth factor between the chunk sizes of successive slab classes (-f)."),
            p("disable_flush_all", "0", "boolean", "0,1", REQUIRES_REBOOT, "If 1 (true), flush_all is refused (-F)."),
            p("error_on_memory_exhausted", "0", "boolean", "0,1", REQUIRES_REBOOT,
                    "If 1 (true), a full cache answers stores with an error instead of evicting (-M)."),
            p("max_item_size", "1048576", "integer", "1048576-33554432", REQUIRES_REBOOT,
                    "Largest item the node stores, in bytes (-I)."),
            p("max_simultaneous_connections", "1024", "integer", "3-65000", REQUIRES_REBOOT,
                    "Maximum number of simultaneous connections (-c)."));

    private static final Map<String, Parameter> REDIS7_BY_NAME = byName(REDIS7);
    private static final Map<String, Parameter> MEMCACHED16_BY_NAME = byName(MEMCACHED16);

    private DefaultParameters() {
    }

    /** The family's parameters with ElastiCache's default values, sorted by name. */
    public static List<Parameter> of(Engine engine) {
        return engine == Engine.REDIS ? REDIS7 : MEMCACHED16;
    }

    /** The family's parameter of that name, or null. */
    public static Parameter find(Engine engine, String name) {
        return (engine == Engine.REDIS ? REDIS7_BY_NAME : MEMCACHED16_BY_NAME).get(name);
    }

    private static Parameter p(String name, String value, String type, String allowed, String change, String doc) {
        return new Parameter(name, value, type, allowed, true, change, doc, Parameter.ENGINE_DEFAULT);
    }

    private static Parameter system(Parameter p) {
        return p.withValue(p.value(), Parameter.SYSTEM);
    }

    private static Map<String, Parameter> byName(List<Parameter> list) {
        return list.stream().collect(Collectors.toUnmodifiableMap(Parameter::name, Function.identity()));
    }
}
