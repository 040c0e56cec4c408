package io.larder.node.commands.server;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Dict;
import io.larder.engine.keyspace.HashSlot;
import io.larder.engine.keyspace.Keyspace;
import io.larder.node.command.CommandSpec;
import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.memory.Memory;
import io.larder.node.server.Client;
import io.larder.node.persistence.Persistence;
import io.larder.node.server.Node;
import io.larder.node.server.PubSub;
import io.larder.node.server.ServerStats;
import io.larder.node.server.Version;
import io.netty.channel.epoll.Epoll;
import org.HdrHistogram.AbstractHistogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * INFO [section ...]: Redis 7.2's sections and field names in Redis's order and format. Figures Larder does
 * not have yet (persistence, replication, Lua) carry the values an idle Redis without them reports.
 */
final class InfoCommand {
    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    private static final List<String> ALL_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final int TTL_SAMPLES = 256;

    private InfoCommand() {
    }

    static CommandSpec build() {
        return CommandSpec.builder("info", -1).flags("loading stale").acl("slow dangerous")
                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                .group("server").since("1.0.0").complexity("O(1)")
                .summary("Reports the server's state and statistics, by section")
                .handler((c, a) -> c.reply().verbatim("txt", render(c.node(), sections(a)))).build();
    }

    /** The requested sections in Redis's output order; "debug" only when named. */
    static List<String> sections(byte[][] args) {
        Set<String> wanted = new HashSet<>();
        if (args.length == 1) {
            wanted.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < args.length; i++) {
            String name = CommandCommand.text(args[i]).toLowerCase(Locale.ROOT);
            switch (name) {
                case "all", "everything" -> wanted.addAll(ALL_SECTIONS);
                case "default" -> wanted.addAll(DEFAULT_SECTIONS);
                case "module_list" -> wanted.add("modules");
                default -> wanted.add(name);
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : ALL_SECTIONS) {
            if (wanted.contains(s)) {
                out.add(s);
            }
        }
        if (wanted.contains("debug")) {
            out.add("debug");
        }
        return out;
    }

    static String render(Node node, List<String> sections) {
        Info info = new Info();
        for (String section : sections) {
            switch (section) {
                case "server" -> server(node, info.section("Server"));
                case "clients" -> clients(node, info.section("Clients"));
                case "memory" -> memory(node, info.section("Memory"));
                case "persistence" -> persistence(node, info.section("Persistence"));
                case "stats" -> stats(node, info.section("Stats"));
                case "replication" -> replication(node, info.section("Replication"));
                case "cpu" -> cpu(info.section("CPU"));
                case "modules" -> info.section("Modules");
                case "commandstats" -> commandStats(node, info.section("Commandstats"));
                case "errorstats" -> errorStats(node, info.section("Errorstats"));
                case "latencystats" -> latencyStats(node, info.section("Latencystats"));
                case "cluster" -> info.section("Cluster").add("cluster_enabled", enabled(node, "cluster-enabled"));
                case "keyspace" -> keyspace(node, info.section("Keyspace"));
                case "debug" -> debug(info.section("Debug"));
                default -> throw new IllegalStateException(section);
            }
        }
        return info.text.toString();
    }

    /** The text being built: "# Title" headers, "field:value" lines, a blank line between sections. */
    private static final class Info {
        final StringBuilder text = new StringBuilder(4096);

        Info section(String title) {
            if (!text.isEmpty()) {
                text.append("\r\n");
            }
            text.append("# ").append(title).append("\r\n");
            return this;
        }

        Info add(String field, Object value) {
            text.append(field).append(':').append(value).append("\r\n");
            return this;
        }
    }

    private static void server(Node node, Info s) {
        ServerConfig config = node.config();
        long now = System.currentTimeMillis();
        long uptime = (now - node.startMillis()) / 1000;
        String arch = System.getProperty("os.arch");
        String machine = arch.equals("amd64") ? "x86_64" : arch;
        s.add("redis_version", Version.REDIS)
                .add("redis_git_sha1", "00000000")
                .add("redis_git_dirty", 0)
                .add("redis_build_id", Long.toHexString(Version.LARDER.hashCode() & 0xffffffffL))
                .add("redis_mode", "standalone")
                .add("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + machine)
                .add("arch_bits", System.getProperty("sun.arch.data.model", "64"))
                .add("monotonic_clock", "POSIX clock_gettime")
                .add("multiplexing_api", Epoll.isAvailable() ? "epoll" : "nio")
                .add("atomicvar_api", "java.util.concurrent")
                .add("gcc_version", "0.0.0")
                .add("process_id", ProcessHandle.current().pid())
                .add("process_supervised", "no")
                .add("run_id", node.runId())
                .add("tcp_port", config.port.asInt())
                .add("server_time_usec", ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()))
                .add("uptime_in_seconds", uptime)
                .add("uptime_in_days", uptime / 86400)
                .add("hz", config.hz.asInt())
                .add("configured_hz", config.hz.asInt())
                .add("lru_clock", node.keyspace().lruClock())
                .add("executable", ProcessHandle.current().info().command().orElse(""))
                .add("config_file", config.configFile() == null ? "" : config.configFile())
                .add("io_threads_active", 0);
        StringBuilder listener = new StringBuilder("name=tcp");
        for (String address : config.bind.text().trim().split("\\s+")) {
            listener.append(",bind=").append(address);
        }
        s.add("listener0", listener.append(",port=").append(config.port.asInt()));
        long shutdownIn = node.replication().shutdownWait().millisLeft();
        if (shutdownIn >= 0) {
            s.add("shutdown_in_milliseconds", shutdownIn);
        }
    }

    private static void clients(Node node, Info s) {
        s.add("connected_clients", node.clients().size() - node.replication().connectedReplicas())
                .add("cluster_connections", 0)
                .add("maxclients", node.config().maxclients.asLong())
                .add("client_recent_max_input_buffer", 0)
                .add("client_recent_max_output_buffer", 0)
                .add("blocked_clients", node.blocked().blockedClients())
                .add("tracking_clients", node.tracking().trackingClients())
                .add("pubsub_clients", node.pubsub().subscribedClients())
                .add("watching_clients", node.watches().watchingClients())
                .add("clients_in_timeout_table", 0)
                .add("total_watched_keys", node.watches().watchedKeys())
                .add("total_blocking_keys", node.blocked().blockingKeys())
                .add("total_blocking_keys_on_nokey", 0);
    }

    private static void memory(Node node, Info s) {
        // used_memory is what Larder accounts for the data, clients and fixed structures; the allocator_* fields
        // are the JVM heap's own figures (used and committed), the closest thing to an allocator's.
        Memory memory = node.memory();
        long used = memory.used();
        long peak = memory.peak();
        long startup = memory.startup();
        long clients = memory.clients();
        long replication = memory.replication();
        long replicationBacklog = node.replication().backlogMemory(replication);
        long overhead = startup + clients + replication;
        long dataset = Math.max(0, used - overhead);
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long committed = rt.totalMemory();
        long rss = Memory.residentBytes();
        long systemMemory = systemMemory();
        long maxmemory = longParam(node, "maxmemory", 0);
        io.larder.node.scripting.Scripting scripting = node.scripting();
        long lua = scripting.luaMemory();
        long scriptBytes = scripting.cachedScriptBytes();
        long functionBytes = scripting.functions().codeBytes();
        s.add("used_memory", used)
                .add("used_memory_human", human(used))
                .add("used_memory_rss", rss)
                .add("used_memory_rss_human", human(rss))
                .add("used_memory_peak", peak)
                .add("used_memory_peak_human", human(peak))
                .add("used_memory_peak_perc", percent(used, peak))
                .add("used_memory_overhead", overhead)
                .add("used_memory_startup", startup)
                .add("used_memory_dataset", dataset)
                .add("used_memory_dataset_perc", percent(dataset, Math.max(1, used - startup)))
                .add("allocator_allocated", heapUsed)
                .add("allocator_active", committed)
                .add("allocator_resident", rss)
                .add("total_system_memory", systemMemory)
                .add("total_system_memory_human", human(systemMemory))
                // One Lua interpreter serves scripts and functions: its memory is reported as the scripts' VM.
                .add("used_memory_lua", lua)
                .add("used_memory_vm_eval", lua)
                .add("used_memory_lua_human", human(lua))
                .add("used_memory_scripts_eval", scriptBytes)
                .add("number_of_cached_scripts", scripting.cachedScripts())
                .add("number_of_functions", scripting.functions().functionCount())
                .add("number_of_libraries", scripting.functions().libraries().size())
                .add("used_memory_vm_functions", 0)
                .add("used_memory_vm_total", lua)
                .add("used_memory_vm_total_human", human(lua))
                .add("used_memory_functions", functionBytes)
                .add("used_memory_scripts", scriptBytes + functionBytes)
                .add("used_memory_scripts_human", human(scriptBytes + functionBytes))
                .add("maxmemory", maxmemory)
                .add("maxmemory_human", human(maxmemory))
                .add("maxmemory_policy", textParam(node, "maxmemory-policy", "noeviction"))
                .add("allocator_frag_ratio", ratio(committed, heapUsed))
                .add("allocator_frag_bytes", committed - heapUsed)
                .add("allocator_rss_ratio", ratio(rss, committed))
                .add("allocator_rss_bytes", rss - committed)
                .add("rss_overhead_ratio", ratio(rss, rss))
                .add("rss_overhead_bytes", 0)
                .add("mem_fragmentation_ratio", ratio(rss, used))
                .add("mem_fragmentation_bytes", rss - used)
                .add("mem_not_counted_for_evict", node.replication().notCountedForEviction(replication))
                .add("mem_replication_backlog", replicationBacklog)
                .add("mem_total_replication_buffers", replication)
                .add("mem_clients_slaves", replication - replicationBacklog)
                .add("mem_clients_normal", clients)
                .add("mem_cluster_links", 0)
                .add("mem_aof_buffer", 0)
                .add("mem_allocator", "jvm-" + Runtime.version().feature())
                .add("active_defrag_running", 0)
                .add("lazyfree_pending_objects", 0)
                .add("lazyfreed_objects", 0);
    }

    private static void persistence(Node node, Info s) {
        Persistence p = node.persistence();
        var aof = node.aof();
        s.add("loading", p.loading() ? 1 : 0)
                .add("async_loading", p.asyncLoading() ? 1 : 0)
                .add("current_cow_peak", 0)
                .add("current_cow_size", 0)
                .add("current_cow_size_age", 0)
                .add("current_fork_perc", "0.00")
                .add("current_save_keys_processed", 0)
                .add("current_save_keys_total", 0)
                .add("rdb_changes_since_last_save", p.changesSinceLastSave())
                .add("rdb_bgsave_in_progress", p.bgsaveInProgress() ? 1 : 0)
                .add("rdb_last_save_time", node.lastSaveSeconds())
                .add("rdb_last_bgsave_status", p.lastBgsaveOk() ? "ok" : "err")
                .add("rdb_last_bgsave_time_sec", p.lastBgsaveSeconds())
                .add("rdb_current_bgsave_time_sec", p.currentBgsaveSeconds())
                .add("rdb_saves", p.saves())
                .add("rdb_last_cow_size", p.lastCowBytes())
                .add("rdb_last_load_keys_expired", p.lastLoadKeysExpired())
                .add("rdb_last_load_keys_loaded", p.lastLoadKeysLoaded())
                .add("aof_enabled", aof.on() ? 1 : 0)
                .add("aof_rewrite_in_progress", aof.rewriting() ? 1 : 0)
                .add("aof_rewrite_scheduled", 0)
                .add("aof_last_rewrite_time_sec", aof.lastRewriteSeconds())
                .add("aof_current_rewrite_time_sec", aof.currentRewriteSeconds())
                .add("aof_last_bgrewrite_status", aof.lastRewriteStatus())
                .add("aof_rewrites", aof.rewrites())
                .add("aof_rewrites_consecutive_failures", aof.consecutiveRewriteFailures())
                .add("aof_last_write_status", aof.lastWriteStatus())
                .add("aof_last_cow_size", aof.lastCowBytes())
                .add("module_fork_in_progress", 0)
                .add("module_fork_last_cow_size", 0);
        if (aof.on()) {
            s.add("aof_current_size", aof.currentSize())
                    .add("aof_base_size", aof.baseSize())
                    .add("aof_pending_rewrite", 0)
                    .add("aof_buffer_length", aof.bufferLength())
                    .add("aof_pending_bio_fsync", 0)
                    .add("aof_delayed_fsync", 0);
        }
        if (p.loading()) {
            long total = p.loadingTotalBytes();
            long done = p.loadingLoadedBytes();
            double elapsed = Math.max(1, System.currentTimeMillis() - p.loadingStartMillis()) / 1000.0;
            long eta = done == 0 ? 1 : (long) ((total - done) / (done / elapsed));
            s.add("loading_start_time", p.loadingStartMillis() / 1000)
                    .add("loading_total_bytes", total)
                    .add("loading_rdb_used_mem", 0)
                    .add("loading_loaded_bytes", done)
                    .add("loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f",
                            total == 0 ? 0 : 100.0 * done / total))
                    .add("loading_eta_seconds", eta);
        }
    }

    private static void stats(Node node, Info s) {
        ServerStats st = node.stats();
        s.add("total_connections_received", st.connectionsReceived.sum())
                .add("total_commands_processed", st.commandsProcessed.sum())
                .add("instantaneous_ops_per_sec", st.instantaneousOps())
                .add("total_net_input_bytes", st.netInputBytes.sum())
                .add("total_net_output_bytes", st.netOutputBytes.sum())
                .add("total_net_repl_input_bytes", 0)
                .add("total_net_repl_output_bytes", 0)
                .add("instantaneous_input_kbps", fixed2(st.instantaneousInputBytes() / 1024.0))
                .add("instantaneous_output_kbps", fixed2(st.instantaneousOutputBytes() / 1024.0))
                .add("instantaneous_input_repl_kbps", "0.00")
                .add("instantaneous_output_repl_kbps", "0.00")
                .add("rejected_connections", st.rejectedConnections.sum())
                .add("sync_full", node.replication().syncFull())
                .add("sync_partial_ok", node.replication().syncPartialOk())
                .add("sync_partial_err", node.replication().syncPartialErr())
                .add("expired_keys", st.expiredKeys.sum())
                .add("expired_stale_perc", "0.00")
                .add("expired_time_cap_reached_count", 0)
                .add("expire_cycle_cpu_milliseconds", 0)
                .add("evicted_keys", st.evictedKeys.sum())
                .add("evicted_clients", st.evictedClients.sum())
                .add("total_eviction_exceeded_time", 0)
                .add("current_eviction_exceeded_time", 0)
                .add("keyspace_hits", st.keyspaceHits.sum())
                .add("keyspace_misses", st.keyspaceMisses.sum())
                .add("pubsub_channels", node.pubsub().size(PubSub.Kind.CHANNEL))
                .add("pubsub_patterns", node.pubsub().size(PubSub.Kind.PATTERN))
                .add("pubsubshard_channels", node.pubsub().size(PubSub.Kind.SHARD))
                .add("latest_fork_usec", 0)
                .add("total_forks", 0)
                .add("migrate_cached_sockets", 0)
                .add("slave_expires_tracked_keys", 0)
                .add("active_defrag_hits", 0)
                .add("active_defrag_misses", 0)
                .add("active_defrag_key_hits", 0)
                .add("active_defrag_key_misses", 0)
                .add("total_active_defrag_time", 0)
                .add("current_active_defrag_time", 0)
                .add("tracking_total_keys", node.tracking().totalKeys())
                .add("tracking_total_items", node.tracking().totalItems())
                .add("tracking_total_prefixes", node.tracking().totalPrefixes())
                .add("unexpected_error_replies", 0)
                .add("total_error_replies", st.totalErrorReplies.sum())
                .add("dump_payload_sanitizations", 0)
                .add("total_reads_processed", 0)
                .add("total_writes_processed", 0)
                .add("io_threaded_reads_processed", 0)
                .add("io_threaded_writes_processed", 0)
                .add("reply_buffer_shrinks", 0)
                .add("reply_buffer_expands", 0)
                .add("eventloop_cycles", 0)
                .add("eventloop_duration_sum", 0)
                .add("eventloop_duration_cmd_sum", 0)
                .add("instantaneous_eventloop_cycles_per_sec", 0)
                .add("instantaneous_eventloop_duration_usec", 0)
                .add("acl_access_denied_auth", node.stats().aclDeniedAuth.sum())
                .add("acl_access_denied_cmd", node.stats().aclDeniedCommand.sum())
                .add("acl_access_denied_key", node.stats().aclDeniedKey.sum())
                .add("acl_access_denied_channel", node.stats().aclDeniedChannel.sum());
    }

    private static void replication(Node node, Info s) {
        if (node.replicaLink().active()) {
            s.add("role", "slave");
            node.replicaLink().info(s::add);
            node.replication().infoAfterRole(s::add);
        } else {
            node.replication().info(s::add);
        }
    }

    /** Process CPU from /proc/self/stat; the "main thread" figures are those of the event loop answering. */
    private static void cpu(Info s) {
        long[] process = cpuTicks(Path.of("/proc/self/stat"));
        long[] thread = cpuTicks(Path.of("/proc/thread-self/stat"));
        s.add("used_cpu_sys", seconds(process[1]))
                .add("used_cpu_user", seconds(process[0]))
                .add("used_cpu_sys_children", "0.000000")
                .add("used_cpu_user_children", "0.000000")
                .add("used_cpu_sys_main_thread", seconds(thread[1]))
                .add("used_cpu_user_main_thread", seconds(thread[0]));
    }

    private static void commandStats(Node node, Info s) {
        forEachCommand(node, spec -> {
            long calls = spec.calls();
            if (calls == 0 && spec.failedCalls() == 0 && spec.rejectedCalls() == 0) {
                return;
            }
            long usec = spec.micros();
            s.add("cmdstat_" + spec.fullName(), "calls=" + calls + ",usec=" + usec + ",usec_per_call="
                    + fixed2(calls == 0 ? 0 : (double) usec / calls) + ",rejected_calls=" + spec.rejectedCalls()
                    + ",failed_calls=" + spec.failedCalls());
        });
    }

    private static void errorStats(Node node, Info s) {
        Map<String, LongAdder> sorted = new TreeMap<>(node.stats().errorsByCode());
        sorted.forEach((code, count) -> s.add("errorstat_" + code, "count=" + count.sum()));
    }

    private static void latencyStats(Node node, Info s) {
        if (!enabledOr(node, "latency-tracking", true)) {
            return;
        }
        List<Double> percentiles = new ArrayList<>();
        for (String p : textParam(node, "latency-tracking-info-percentiles", "50 99 99.9").trim().split("\\s+")) {
            if (!p.isEmpty()) {
                percentiles.add(Double.parseDouble(p));
            }
        }
        forEachCommand(node, spec -> {
            AbstractHistogram h = spec.latencyHistogram();
            if (h == null || h.getTotalCount() == 0) {
                return;
            }
            StringBuilder line = new StringBuilder();
            for (double p : percentiles) {
                if (!line.isEmpty()) {
                    line.append(',');
                }
                line.append('p').append(trimDouble(p)).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", h.getValueAtPercentile(p) / 1000.0));
            }
            s.add("latency_percentiles_usec_" + spec.fullName(), line);
        });
    }

    private static void keyspace(Node node, Info s) {
        Keyspace keyspace = node.keyspace();
        for (int i = 0; i < keyspace.databaseCount(); i++) {
            Db db = keyspace.db(i);
            long keys = db.size();
            if (keys > 0) {
                long expires = db.volatileSize();
                s.add("db" + i, "keys=" + keys + ",expires=" + expires + ",avg_ttl="
                        + (expires == 0 ? 0 : averageTtl(keyspace, db)));
            }
        }
    }

    /**
     * Average remaining TTL in milliseconds over a sample of keys with a TTL, like the estimate Redis keeps
     * from its expire cycle's samples: slots are visited from a random one, one stripe lock at a time.
     */
    private static long averageTtl(Keyspace keyspace, Db db) {
        long now = keyspace.clock().millis();
        long[] sumAndCount = new long[2];
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(HashSlot.COUNT);
        for (int n = 0; n < HashSlot.COUNT && sumAndCount[1] < TTL_SAMPLES; n++) {
            int slot = (start + n) % HashSlot.COUNT;
            Dict dict = db.slot(slot);
            if (dict == null || dict.volatileCount() == 0) {
                continue;
            }
            int stripe = Keyspace.stripeOf(slot);
            keyspace.lockStripe(stripe);
            try {
                dict.forEach((d, cell) -> {
                    long at = d.expiryAt(cell);
                    if (at > now) {
                        sumAndCount[0] += at - now;
                        sumAndCount[1]++;
                    }
                    return sumAndCount[1] < TTL_SAMPLES;
                });
            } finally {
                keyspace.unlockStripe(stripe);
            }
        }
        return sumAndCount[1] == 0 ? 0 : sumAndCount[0] / sumAndCount[1];
    }

    /** Redis 7.2's "debug" section, shown only when asked for by name. */
    private static void debug(Info s) {
        s.add("eventloop_duration_aof_sum", 0)
                .add("eventloop_duration_cron_sum", 0)
                .add("eventloop_duration_max", 0)
                .add("eventloop_cmd_per_cycle_max", 0);
    }

    private static void forEachCommand(Node node, java.util.function.Consumer<CommandSpec> action) {
        for (CommandSpec spec : node.commands().all()) {
            action.accept(spec);
            spec.subcommands().values().forEach(action);
        }
    }

    /** Redis's bytesToHuman: B below 1K, then two decimals with K, M, G, T, P. */
    static String human(long n) {
        String[] units = {"K", "M", "G", "T", "P"};
        if (n < 1024) {
            return n + "B";
        }
        double d = n;
        for (String unit : units) {
            d /= 1024;
            if (d < 1024 || unit.equals("P")) {
                return String.format(Locale.ROOT, "%.2f%s", d, unit);
            }
        }
        return n + "B";
    }

    /** "%f" then trailing zeros (and a trailing point) removed, as Redis names percentiles: 50, 99, 99.9. */
    static String trimDouble(double d) {
        String s = String.format(Locale.ROOT, "%f", d);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    private static String fixed2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String percent(long part, long whole) {
        return fixed2(whole == 0 ? 0 : 100.0 * part / whole) + "%";
    }

    private static String ratio(long a, long b) {
        return fixed2(b == 0 ? 0 : (double) a / b);
    }

    private static String seconds(long ticks) {
        long micros = ticks * (1_000_000 / CLOCK_TICKS_PER_SECOND);
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    /** {utime, stime} in clock ticks from a /proc stat file; zeros where /proc is not available. */
    private static long[] cpuTicks(Path stat) {
        try {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return new long[]{Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    private static long systemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private static long longParam(Node node, String name, long fallback) {
        ConfigParam p = node.config().find(name);
        return p == null ? fallback : p.asLong();
    }

    private static String textParam(Node node, String name, String fallback) {
        ConfigParam p = node.config().find(name);
        return p == null ? fallback : p.text();
    }

    private static boolean enabledOr(Node node, String name, boolean fallback) {
        ConfigParam p = node.config().find(name);
        return p == null ? fallback : p.asBool();
    }

    private static int enabled(Node node, String name) {
        return enabledOr(node, name, false) ? 1 : 0;
    }
}
