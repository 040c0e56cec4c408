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
 * reports what was set. Types, bounds, aliases and mutability are redis-server's.
 */
public final class ServerConfig {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final boolean MUTABLE = true;
    private static final boolean IMMUTABLE = false;

    private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
    private volatile String configFile;

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
    public final ConfigParam hllSparseMaxBytes;
    public final ConfigParam hashMaxListpackValue;
    public final ConfigParam listMaxListpackSize;
    public final ConfigParam setMaxIntsetEntries;
    public final ConfigParam setMaxListpackEntries;
    public final ConfigParam setMaxListpackValue;
    public final ConfigParam zsetMaxListpackEntries;
    public final ConfigParam zsetMaxListpackValue;
    public final ConfigParam tcpKeepalive;
    public final ConfigParam enableProtectedConfigs;
    public final ConfigParam notifyKeyspaceEvents;

    public ServerConfig() {
        // Network and clients.
        port = add("port", ConfigType.integer(0, 65535), "6379", MUTABLE);
        bind = add("bind", ConfigType.special(SpecialValues::bind), "* -::*", MUTABLE).multiArgs();
        add("bind-source-addr", ConfigType.STRING, "", MUTABLE);
        protectedMode = add("protected-mode", ConfigType.BOOL, "yes", MUTABLE);
        add("tcp-backlog", ConfigType.integer(0, INT_MAX), "511", IMMUTABLE);
        tcpKeepalive = add("tcp-keepalive", ConfigType.integer(0, INT_MAX), "300", MUTABLE);
        timeout = add("timeout", ConfigType.integer(0, INT_MAX), "0", MUTABLE);
        maxclients = add("maxclients", ConfigType.integer(1, 4294967295L), "10000", MUTABLE);
        add("unixsocket", ConfigType.STRING, "", IMMUTABLE);
        add("unixsocketperm", ConfigType.special(SpecialValues::octal), "0", IMMUTABLE);
        add("socket-mark-id", ConfigType.integer(0, INT_MAX), "0", IMMUTABLE);
        requirepass = add("requirepass", ConfigType.STRING, "", MUTABLE);
        add("aclfile", ConfigType.STRING, "", IMMUTABLE);
        add("acllog-max-len", ConfigType.integer(0, LONG_MAX), "128", MUTABLE);
        add("acl-pubsub-default", ConfigType.oneOf("allchannels", "resetchannels"), "resetchannels", MUTABLE);
        protoMaxBulkLen = add("proto-max-bulk-len", ConfigType.memory(1024 * 1024, LONG_MAX), "536870912", MUTABLE);
        clientQueryBufferLimit = add("client-query-buffer-limit", ConfigType.memory(1024 * 1024, LONG_MAX),
                "1073741824", MUTABLE);
        add("client-output-buffer-limit", ConfigType.SPECIAL,
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", MUTABLE,
                new OutputBufferLimits()).multiArgs();
        add("maxmemory-clients", ConfigType.special(SpecialValues::memoryOrPercent), "0", MUTABLE);
        add("tracking-table-max-keys", ConfigType.integer(0, LONG_MAX), "1000000", MUTABLE);
        add("busy-reply-threshold", List.of("lua-time-limit"), ConfigType.integer(0, LONG_MAX), "5000", MUTABLE, null);

        // General.
        databases = add("databases", ConfigType.integer(1, INT_MAX), "16", IMMUTABLE);
        hz = add("hz", List.of(), ConfigType.integer(0, INT_MAX), "10", MUTABLE, new ConfigHook() {
            @Override
            public String check(String value) {
                return Long.toString(Math.min(500, Math.max(1, Long.parseLong(value))));
            }
        });
        add("dynamic-hz", ConfigType.BOOL, "yes", MUTABLE);
        add("daemonize", ConfigType.BOOL, "no", IMMUTABLE);
        add("supervised", ConfigType.oneOf("upstart", "systemd", "auto", "no"), "no", IMMUTABLE);
        add("pidfile", ConfigType.STRING, "", IMMUTABLE);
        add("loglevel", ConfigType.oneOf("debug", "verbose", "notice", "warning", "nothing"), "notice", MUTABLE);
        add("logfile", ConfigType.STRING, "", IMMUTABLE);
        add("syslog-enabled", ConfigType.BOOL, "no", IMMUTABLE);
        add("syslog-ident", ConfigType.STRING, "redis", IMMUTABLE);
        add("syslog-facility", ConfigType.oneOf("user", "local0", "local1", "local2", "local3", "local4", "local5",
                "local6", "local7"), "local0", IMMUTABLE);
        add("crash-log-enabled", ConfigType.BOOL, "yes", MUTABLE);
        add("crash-memcheck-enabled", ConfigType.BOOL, "yes", MUTABLE);
        add("always-show-logo", ConfigType.BOOL, "no", IMMUTABLE);
        add("set-proc-title", ConfigType.BOOL, "yes", IMMUTABLE);
        add("proc-title-template", ConfigType.STRING, "{title} {listen-addr} {server-mode}", MUTABLE);
        add("locale-collate", ConfigType.STRING, "", MUTABLE);
        add("enable-protected-configs", ConfigType.oneOf("no", "yes", "local"), "no", IMMUTABLE);
        enableProtectedConfigs = find("enable-protected-configs");
        add("enable-debug-command", ConfigType.oneOf("no", "yes", "local"), "no", IMMUTABLE);
        add("enable-module-command", ConfigType.oneOf("no", "yes", "local"), "no", IMMUTABLE);
        add("ignore-warnings", ConfigType.STRING, "", MUTABLE);
        add("disable-thp", ConfigType.BOOL, "yes", IMMUTABLE);
        add("jemalloc-bg-thread", ConfigType.BOOL, "yes", MUTABLE);
        add("oom-score-adj", ConfigType.oneOf("no", "yes", "relative", "absolute"), "no", MUTABLE);
        add("oom-score-adj-values", ConfigType.special(SpecialValues::oomScoreAdjValues), "0 200 800", MUTABLE)
                .multiArgs();
        add("shutdown-on-sigint", ConfigType.special(SpecialValues::shutdownFlags), "default", MUTABLE).multiArgs();
        add("shutdown-on-sigterm", ConfigType.special(SpecialValues::shutdownFlags), "default", MUTABLE).multiArgs();
        add("shutdown-timeout", ConfigType.integer(0, INT_MAX), "10", MUTABLE);
        add("server_cpulist", ConfigType.STRING, "", IMMUTABLE);
        add("bio_cpulist", ConfigType.STRING, "", IMMUTABLE);
        add("aof_rewrite_cpulist", ConfigType.STRING, "", IMMUTABLE);
        add("bgsave_cpulist", ConfigType.STRING, "", IMMUTABLE);
        ioThreads = add("io-threads", ConfigType.integer(1, 128), "1", IMMUTABLE);
        add("io-threads-do-reads", ConfigType.BOOL, "no", IMMUTABLE);
        notifyKeyspaceEvents = add("notify-keyspace-events", ConfigType.special(SpecialValues::keyspaceEvents), "",
                MUTABLE).displayedAs(SpecialValues::keyspaceEventsShown);

        // Slow log, latency.
        slowlogLogSlowerThan = add("slowlog-log-slower-than", ConfigType.integer(-1, LONG_MAX), "10000", MUTABLE);
        slowlogMaxLen = add("slowlog-max-len", ConfigType.integer(0, LONG_MAX), "128", MUTABLE);
        add("latency-monitor-threshold", ConfigType.integer(0, LONG_MAX), "0", MUTABLE);
        add("latency-tracking", ConfigType.BOOL, "yes", MUTABLE);
        add("latency-tracking-info-percentiles", ConfigType.special(SpecialValues::percentiles), "50 99 99.9",
                MUTABLE).multiArgs();

        // Persistence.
        add("dir", List.of(), ConfigType.special(SpecialValues::directory), System.getProperty("user.dir"), MUTABLE,
                null).protect().denyWhileLoading();
        add("dbfilename", ConfigType.special(SpecialValues.plainName("dbfilename", "filename")), "dump.rdb", MUTABLE).protect();
        add("save", ConfigType.special(SpecialValues::save), "3600 1 300 100 60 10000", MUTABLE).multiArgs();
        add("stop-writes-on-bgsave-error", ConfigType.BOOL, "yes", MUTABLE);
        add("rdbcompression", ConfigType.BOOL, "yes", MUTABLE);
        add("rdbchecksum", ConfigType.BOOL, "yes", IMMUTABLE);
        add("rdb-del-sync-files", ConfigType.BOOL, "no", MUTABLE);
        add("rdb-save-incremental-fsync", ConfigType.BOOL, "yes", MUTABLE);
        add("sanitize-dump-payload", ConfigType.oneOf("no", "yes", "clients"), "no", MUTABLE);
        add("appendonly", ConfigType.BOOL, "no", MUTABLE).denyWhileLoading();
        add("appendfilename", ConfigType.special(SpecialValues.plainName("appendfilename", "filename")),
                "appendonly.aof", IMMUTABLE);
        add("appenddirname", ConfigType.special(SpecialValues.plainName("appenddirname", "dirname")),
                "appendonlydir", IMMUTABLE);
        add("appendfsync", ConfigType.oneOf("everysec", "always", "no"), "everysec", MUTABLE);
        add("no-appendfsync-on-rewrite", ConfigType.BOOL, "no", MUTABLE);
        add("auto-aof-rewrite-percentage", ConfigType.integer(0, INT_MAX), "100", MUTABLE);
        add("auto-aof-rewrite-min-size", ConfigType.memory(0, LONG_MAX), "67108864", MUTABLE);
        add("aof-load-truncated", ConfigType.BOOL, "yes", MUTABLE);
        add("aof-use-rdb-preamble", ConfigType.BOOL, "yes", MUTABLE);
        add("aof-rewrite-incremental-fsync", ConfigType.BOOL, "yes", MUTABLE);
        add("aof-timestamp-enabled", ConfigType.BOOL, "no", MUTABLE);
        add("aof-disable-auto-gc", ConfigType.BOOL, "no", MUTABLE);

        // Memory and eviction.
        add("maxmemory", ConfigType.memory(0, LONG_MAX), "0", MUTABLE);
        add("maxmemory-policy", ConfigType.oneOf("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"), "noeviction", MUTABLE);
        add("maxmemory-samples", ConfigType.integer(1, INT_MAX), "5", MUTABLE);
        add("maxmemory-eviction-tenacity", ConfigType.integer(0, 100), "10", MUTABLE);
        add("lfu-log-factor", ConfigType.integer(0, INT_MAX), "10", MUTABLE);
        add("lfu-decay-time", ConfigType.integer(0, INT_MAX), "1", MUTABLE);
        add("active-expire-effort", ConfigType.integer(1, 10), "1", MUTABLE);
        add("lazyfree-lazy-eviction", ConfigType.BOOL, "no", MUTABLE);
        add("lazyfree-lazy-expire", ConfigType.BOOL, "no", MUTABLE);
        add("lazyfree-lazy-server-del", ConfigType.BOOL, "no", MUTABLE);
        add("lazyfree-lazy-user-del", ConfigType.BOOL, "no", MUTABLE);
        add("lazyfree-lazy-user-flush", ConfigType.BOOL, "no", MUTABLE);
        add("activerehashing", ConfigType.BOOL, "yes", MUTABLE);
        add("activedefrag", ConfigType.BOOL, "no", MUTABLE);
        add("active-defrag-ignore-bytes", ConfigType.memory(1, LONG_MAX), "104857600", MUTABLE);
        add("active-defrag-threshold-lower", ConfigType.integer(0, 1000), "10", MUTABLE);
        add("active-defrag-threshold-upper", ConfigType.integer(0, 1000), "100", MUTABLE);
        add("active-defrag-cycle-min", ConfigType.integer(1, 99), "1", MUTABLE);
        add("active-defrag-cycle-max", ConfigType.integer(1, 99), "25", MUTABLE);
        add("active-defrag-max-scan-fields", ConfigType.integer(1, LONG_MAX), "1000", MUTABLE);

        // Data structure encodings.
        hashMaxListpackEntries = add("hash-max-listpack-entries", List.of("hash-max-ziplist-entries"),
                ConfigType.integer(0, LONG_MAX), "512", MUTABLE, null);
        hashMaxListpackValue = add("hash-max-listpack-value", List.of("hash-max-ziplist-value"),
                ConfigType.memory(0, LONG_MAX), "64", MUTABLE, null);
        listMaxListpackSize = add("list-max-listpack-size", List.of("list-max-ziplist-size"), ConfigType.integer(INT_MIN, INT_MAX), "-2",
                MUTABLE, null);
        add("list-compress-depth", ConfigType.integer(0, INT_MAX), "0", MUTABLE);
        setMaxIntsetEntries = add("set-max-intset-entries", ConfigType.integer(0, LONG_MAX), "512", MUTABLE);
        // Redis 7.2: small non-integer sets are listpacks.
        setMaxListpackEntries = add("set-max-listpack-entries", ConfigType.integer(0, LONG_MAX), "128", MUTABLE);
        setMaxListpackValue = add("set-max-listpack-value", ConfigType.memory(0, LONG_MAX), "64", MUTABLE);
        zsetMaxListpackEntries = add("zset-max-listpack-entries", List.of("zset-max-ziplist-entries"), ConfigType.integer(0, LONG_MAX), "128",
                MUTABLE, null);
        zsetMaxListpackValue = add("zset-max-listpack-value", List.of("zset-max-ziplist-value"), ConfigType.memory(0, LONG_MAX), "64",
                MUTABLE, null);
        hllSparseMaxBytes = add("hll-sparse-max-bytes", ConfigType.memory(0, LONG_MAX), "3000", MUTABLE);
        add("stream-node-max-bytes", ConfigType.memory(0, LONG_MAX), "4096", MUTABLE);
        add("stream-node-max-entries", ConfigType.integer(0, LONG_MAX), "100", MUTABLE);

        // Replication.
        add("replicaof", List.of("slaveof"), ConfigType.special(SpecialValues::replicaOf), "", IMMUTABLE, null)
                .multiArgs();
        add("masterauth", ConfigType.STRING, "", MUTABLE);
        add("masteruser", ConfigType.STRING, "", MUTABLE);
        add("replica-serve-stale-data", List.of("slave-serve-stale-data"), ConfigType.BOOL, "yes", MUTABLE, null);
        add("replica-read-only", List.of("slave-read-only"), ConfigType.BOOL, "yes", MUTABLE, null);
        add("replica-ignore-maxmemory", List.of("slave-ignore-maxmemory"), ConfigType.BOOL, "yes", MUTABLE, null);
        add("replica-lazy-flush", List.of("slave-lazy-flush"), ConfigType.BOOL, "no", MUTABLE, null);
        add("replica-priority", List.of("slave-priority"), ConfigType.integer(0, INT_MAX), "100", MUTABLE, null);
        add("replica-announce-ip", List.of("slave-announce-ip"), ConfigType.STRING, "", MUTABLE, null);
        add("replica-announce-port", List.of("slave-announce-port"), ConfigType.integer(0, 65535), "0", MUTABLE,
                null);
        add("replica-announced", ConfigType.BOOL, "yes", MUTABLE);
        add("replica-ignore-disk-write-errors", ConfigType.BOOL, "no", MUTABLE);
        add("repl-ping-replica-period", List.of("repl-ping-slave-period"), ConfigType.integer(1, INT_MAX), "10",
                MUTABLE, null);
        add("repl-timeout", ConfigType.integer(1, INT_MAX), "60", MUTABLE);
        add("repl-disable-tcp-nodelay", ConfigType.BOOL, "no", MUTABLE);
        add("repl-backlog-size", ConfigType.memory(1, LONG_MAX), "1048576", MUTABLE);
        add("repl-backlog-ttl", ConfigType.integer(0, LONG_MAX), "3600", MUTABLE);
        add("repl-diskless-sync", ConfigType.BOOL, "yes", MUTABLE);
        add("repl-diskless-sync-delay", ConfigType.integer(0, INT_MAX), "5", MUTABLE);
        add("repl-diskless-sync-max-replicas", ConfigType.integer(0, INT_MAX), "0", MUTABLE);
        add("repl-diskless-load", ConfigType.oneOf("disabled", "on-empty-db", "swapdb"), "disabled", MUTABLE);
        add("min-replicas-to-write", List.of("min-slaves-to-write"), ConfigType.integer(0, INT_MAX), "0", MUTABLE,
                null);
        add("min-replicas-max-lag", List.of("min-slaves-max-lag"), ConfigType.integer(0, INT_MAX), "10", MUTABLE,
                null);
        add("propagation-error-behavior", ConfigType.oneOf("ignore", "panic", "panic-on-replicas"), "ignore",
                MUTABLE);

        // Cluster.
        add("cluster-enabled", ConfigType.BOOL, "no", IMMUTABLE);
        add("cluster-config-file", ConfigType.STRING, "nodes.conf", IMMUTABLE);
        add("cluster-port", ConfigType.integer(0, 65535), "0", IMMUTABLE);
        add("cluster-node-timeout", ConfigType.integer(0, LONG_MAX), "15000", MUTABLE);
        add("cluster-announce-ip", ConfigType.STRING, "", MUTABLE);
        add("cluster-announce-hostname", ConfigType.STRING, "", MUTABLE);
        add("cluster-announce-human-nodename", ConfigType.STRING, "", MUTABLE);
        add("cluster-announce-port", ConfigType.integer(0, 65535), "0", MUTABLE);
        add("cluster-announce-bus-port", ConfigType.integer(0, 65535), "0", MUTABLE);
        add("cluster-announce-tls-port", ConfigType.integer(0, 65535), "0", MUTABLE);
        add("cluster-replica-validity-factor", List.of("cluster-slave-validity-factor"),
                ConfigType.integer(0, INT_MAX), "10", MUTABLE, null);
        add("cluster-replica-no-failover", List.of("cluster-slave-no-failover"), ConfigType.BOOL, "no", MUTABLE,
                null);
        add("cluster-migration-barrier", ConfigType.integer(0, INT_MAX), "1", MUTABLE);
        add("cluster-require-full-coverage", ConfigType.BOOL, "yes", MUTABLE);
        add("cluster-allow-reads-when-down", ConfigType.BOOL, "no", MUTABLE);
        add("cluster-allow-pubsubshard-when-down", ConfigType.BOOL, "yes", MUTABLE);
        add("cluster-allow-replica-migration", ConfigType.BOOL, "yes", MUTABLE);
        add("cluster-preferred-endpoint-type", ConfigType.oneOf("ip", "hostname", "unknown-endpoint"), "ip", MUTABLE);
        add("cluster-link-sendbuf-limit", ConfigType.memory(0, LONG_MAX), "0", MUTABLE);

        // TLS.
        add("tls-port", ConfigType.integer(0, 65535), "0", MUTABLE);
        for (String file : List.of("tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
                "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file",
                "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites")) {
            add(file, ConfigType.STRING, "", MUTABLE);
        }
        add("tls-auth-clients", ConfigType.oneOf("no", "yes", "optional"), "yes", MUTABLE);
        add("tls-replication", ConfigType.BOOL, "no", MUTABLE);
        add("tls-cluster", ConfigType.BOOL, "no", MUTABLE);
        add("tls-prefer-server-ciphers", ConfigType.BOOL, "no", MUTABLE);
        add("tls-session-caching", ConfigType.BOOL, "yes", MUTABLE);
        add("tls-session-cache-size", ConfigType.integer(0, INT_MAX), "20480", MUTABLE);
        add("tls-session-cache-timeout", ConfigType.integer(0, INT_MAX), "300", MUTABLE);

        // Larder's own (docs/security.md): token-authenticated users and the keys that verify their tokens;
        // limits on connections that have not authenticated yet (0: none).
        add("larder-token-users", ConfigType.STRING, "", MUTABLE).multiArgs();
        add("larder-token-public-key-file", ConfigType.STRING, "", MUTABLE).multiArgs();
        add("larder-max-unauthenticated-clients", ConfigType.integer(0, INT_MAX), "0", MUTABLE);
        add("larder-unauthenticated-timeout", ConfigType.integer(0, INT_MAX), "0", MUTABLE);
    }

    /** Registers a parameter; used by later subsystems to add theirs. */
    public ConfigParam add(String name, ConfigType type, String defaultValue, boolean mutable) {
        return add(name, List.of(), type, defaultValue, mutable, null);
    }

    public ConfigParam add(String name, ConfigType type, String defaultValue, boolean mutable, ConfigHook hook) {
        return add(name, List.of(), type, defaultValue, mutable, hook);
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
    /** The config file's "user name rules..." lines, applied when the node's ACL starts. */
    public List<List<String>> aclUserLines() { return aclUserLines; }

    private final List<List<String>> aclUserLines = new ArrayList<>();

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

    /** Every name CONFIG GET answers to, aliases included, each with its parameter. */
    public Map<String, ConfigParam> names() {
        return java.util.Collections.unmodifiableMap(byName);
    }

    /** The absolute path of the config file the node started with, or null. */
    public String configFile() {
        return configFile;
    }

    public void configFile(String path) {
        this.configFile = path;
    }
}
