package io.larder.node.config;

import io.larder.node.config.ConfigParam.ConfigHook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's parameter table, with Redis's names. Every parameter Redis 7.2 accepts is known here, whether
 * Larder acts on it yet or not, so config files written for redis-server load unchanged and CONFIG GET
 * reports what was set.
 */
public final class ServerConfig {
    private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
    private String configFile;

    // Parameters read on hot paths, held directly.
    public final ConfigParam port;
    public final ConfigParam bind;
    public final ConfigParam requirepass;
    public final ConfigParam protoMaxBulkLen;
    public final ConfigParam clientQueryBufferLimit;
    public final ConfigParam maxclients;
    public final ConfigParam timeout;
    public final ConfigParam databases;
    public final ConfigParam hz;
    public final ConfigParam slowlogLogSlowerThan;
    public final ConfigParam slowlogMaxLen;
    public final ConfigParam protectedMode;
    public final ConfigParam ioThreads;
    public final ConfigParam hashMaxListpackEntries;
    public final ConfigParam hashMaxListpackValue;
    public final ConfigParam setMaxIntsetEntries;
    public final ConfigParam setMaxListpackEntries;
    public final ConfigParam setMaxListpackValue;

    public ServerConfig() {
        port = add("port", ConfigType.integer(0, 65535), "6379", true);
        bind = add("bind", ConfigType.STRING, "* -::*", true);
        requirepass = add("requirepass", ConfigType.STRING, "", true);
        protoMaxBulkLen = add("proto-max-bulk-len", ConfigType.memory(1024 * 1024, Long.MAX_VALUE), "536870912", true);
        clientQueryBufferLimit = add("client-query-buffer-limit", ConfigType.memory(1024 * 1024, Long.MAX_VALUE), "1073741824", true);
        maxclients = add("maxclients", ConfigType.integer(1, Integer.MAX_VALUE), "10000", true);
        timeout = add("timeout", ConfigType.integer(0, Integer.MAX_VALUE), "0", true);
        databases = add("databases", ConfigType.integer(1, Integer.MAX_VALUE), "16", false);
        hz = add("hz", ConfigType.integer(0, Integer.MAX_VALUE), "10", true);
        slowlogLogSlowerThan = add("slowlog-log-slower-than", ConfigType.integer(-1, Long.MAX_VALUE), "10000", true);
        slowlogMaxLen = add("slowlog-max-len", ConfigType.integer(0, Long.MAX_VALUE), "128", true);
        protectedMode = add("protected-mode", ConfigType.BOOL, "yes", true);
        ioThreads = add("io-threads", ConfigType.integer(1, 128), "1", false);
        add("tcp-keepalive", ConfigType.integer(0, Integer.MAX_VALUE), "300", true);
        add("tcp-backlog", ConfigType.integer(0, Integer.MAX_VALUE), "511", false);
        add("dir", ConfigType.STRING, System.getProperty("user.dir"), true);
        add("logfile", ConfigType.STRING, "", false);
        add("loglevel", ConfigType.oneOf("debug", "verbose", "notice", "warning", "nothing"), "notice", true);
        add("save", ConfigType.SPECIAL, "3600 1 300 100 60 10000", true);
        add("appendonly", ConfigType.BOOL, "no", true);
        add("appendfsync", ConfigType.oneOf("always", "everysec", "no"), "everysec", true);
        add("appendfilename", ConfigType.STRING, "appendonly.aof", false);
        add("dbfilename", ConfigType.STRING, "dump.rdb", true);
        add("daemonize", ConfigType.BOOL, "no", false);
        add("pidfile", ConfigType.STRING, "", false);
        add("maxmemory", ConfigType.memory(0, Long.MAX_VALUE), "0", true);
        add("maxmemory-policy", ConfigType.oneOf("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"), "noeviction", true);
        add("maxmemory-samples", ConfigType.integer(1, 64), "5", true);
        add("lfu-log-factor", ConfigType.integer(0, Integer.MAX_VALUE), "10", true);
        add("lfu-decay-time", ConfigType.integer(0, Integer.MAX_VALUE), "1", true);
        add("notify-keyspace-events", ConfigType.STRING, "", true);
        add("unixsocket", ConfigType.STRING, "", false);
        add("unixsocketperm", ConfigType.integer(0, 0777), "0", false);
        add("enable-debug-command", ConfigType.oneOf("no", "yes", "local"), "no", false);
        add("latency-monitor-threshold", ConfigType.integer(0, Long.MAX_VALUE), "0", true);
        hashMaxListpackEntries = add("hash-max-listpack-entries", List.of("hash-max-ziplist-entries"),
                ConfigType.integer(0, Long.MAX_VALUE), "512", true, null);
        hashMaxListpackValue = add("hash-max-listpack-value", List.of("hash-max-ziplist-value"),
                ConfigType.memory(0, Long.MAX_VALUE), "64", true, null);
        setMaxIntsetEntries = add("set-max-intset-entries", ConfigType.integer(0, Long.MAX_VALUE), "512", true);
        setMaxListpackEntries = add("set-max-listpack-entries", ConfigType.integer(0, Long.MAX_VALUE), "128", true);
        setMaxListpackValue = add("set-max-listpack-value", ConfigType.memory(0, Long.MAX_VALUE), "64", true);
    }

    /** Registers a parameter; used by later subsystems to add theirs. */
    public ConfigParam add(String name, ConfigType type, String defaultValue, boolean mutable) {
        return add(name, List.of(), type, defaultValue, mutable, null);
    }

    public ConfigParam add(String name, List<String> aliases, ConfigType type, String defaultValue, boolean mutable,
                           ConfigHook hook) {
        ConfigParam p = new ConfigParam(name, aliases, type, defaultValue, mutable, hook);
        byName.put(name, p);
        for (String alias : aliases) {
            byName.put(alias, p);
        }
        return p;
    }

    /** The parameter of this name or alias (case-insensitive), or null. */
    public ConfigParam find(String name) {
        return byName.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Each parameter once, in registration order. */
    public Collection<ConfigParam> params() {
        List<ConfigParam> unique = new ArrayList<>();
        for (Map.Entry<String, ConfigParam> e : byName.entrySet()) {
            if (e.getKey().equals(e.getValue().name())) {
                unique.add(e.getValue());
            }
        }
        return unique;
    }

    public String configFile() {
        return configFile;
    }

    public void configFile(String path) {
        this.configFile = path;
    }
}
