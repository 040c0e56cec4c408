package io.larder.memcached.server;

import io.larder.memcached.store.SlabClasses;
import io.larder.memcached.store.Store;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The {@code stats} groups with memcached 1.6's field names in memcached's order. Fields for machinery Larder
 * does not have (slab rebalancing, the LRU maintainer's juggling, extstore, TLS) keep their names with the values
 * that machinery would show when idle. Each report ends with END; callers add the final CRLF.
 */
public final class StatsReport {
    private StatsReport() {
    }

    private static final class Lines {
        final StringBuilder sb = new StringBuilder(2048);

        Lines add(String name, Object value) {
            sb.append("STAT ").append(name).append(' ').append(value).append("\r\n");
            return this;
        }

        String end() {
            return sb.append("END").toString();
        }
    }

    public static String general(McServer server) {
        ServerStats s = server.stats();
        Store store = server.store();
        McSettings settings = server.settings();
        long cpuNanos = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpuNanos = Math.max(0, os.getProcessCpuTime());
        }
        long conns = s.currConnections.get();
        Lines l = new Lines()
                .add("pid", ProcessHandle.current().pid())
                .add("uptime", (System.currentTimeMillis() - server.startedMillis()) / 1000)
                .add("time", System.currentTimeMillis() / 1000)
                .add("version", McSettings.VERSION)
                .add("libevent", "netty")
                .add("pointer_size", 64)
                .add("rusage_user", String.format(Locale.ROOT, "%d.%06d", cpuNanos / 1_000_000_000, cpuNanos / 1000 % 1_000_000))
                .add("rusage_system", "0.000000")
                .add("max_connections", settings.maxConns)
                .add("curr_connections", conns)
                .add("total_connections", s.totalConnections.sum())
                .add("rejected_connections", s.rejectedConnections.sum())
                .add("connection_structures", conns + 1)
                .add("response_obj_oom", 0)
                .add("response_obj_count", conns)
                .add("response_obj_bytes", conns * 16384)
                .add("read_buf_count", conns)
                .add("read_buf_bytes", conns * 16384)
                .add("read_buf_bytes_free", 0)
                .add("read_buf_oom", 0)
                .add("reserved_fds", 10)
                .add("cmd_get", s.cmdGet.sum())
                .add("cmd_set", s.cmdSet.sum())
                .add("cmd_flush", s.cmdFlush.sum())
                .add("cmd_touch", s.cmdTouch.sum())
                .add("cmd_meta", s.cmdMeta.sum())
                .add("get_hits", s.getHits.sum())
                .add("get_misses", s.getMisses.sum())
                .add("get_expired", store.getExpired())
                .add("get_flushed", store.getFlushed())
                .add("delete_misses", s.deleteMisses.sum())
                .add("delete_hits", s.deleteHits.sum())
                .add("incr_misses", s.incrMisses.sum())
                .add("incr_hits", s.incrHits.sum())
                .add("decr_misses", s.decrMisses.sum())
                .add("decr_hits", s.decrHits.sum())
                .add("cas_misses", s.casMisses.sum())
                .add("cas_hits", s.casHits.sum())
                .add("cas_badval", s.casBadval.sum())
                .add("touch_hits", s.touchHits.sum())
                .add("touch_misses", s.touchMisses.sum())
                .add("store_too_large", s.storeTooLarge.sum())
                .add("store_no_memory", s.storeNoMemory.sum())
                .add("auth_cmds", s.authCmds.sum())
                .add("auth_errors", s.authErrors.sum())
                .add("bytes_read", s.bytesRead.sum())
                .add("bytes_written", s.bytesWritten.sum())
                .add("limit_maxbytes", store.maxBytes())
                .add("accepting_conns", 1)
                .add("listen_disabled_num", 0)
                .add("time_in_listen_disabled_us", 0)
                .add("threads", settings.threads)
                .add("conn_yields", 0)
                .add("hash_power_level", 16)
                .add("hash_bytes", 524288)
                .add("hash_is_expanding", 0);
        for (String idle : new String[]{"slab_reassign_rescues", "slab_reassign_chunk_rescues",
                "slab_reassign_evictions_nomem", "slab_reassign_inline_reclaim", "slab_reassign_busy_items",
                "slab_reassign_busy_deletes", "slab_reassign_running", "slabs_moved", "lru_crawler_running"}) {
            l.add(idle, 0);
        }
        l.add("lru_crawler_starts", 0)
                .add("lru_maintainer_juggles", 0)
                .add("malloc_fails", 0)
                .add("log_worker_dropped", 0)
                .add("log_worker_written", 0)
                .add("log_watcher_skipped", 0)
                .add("log_watcher_sent", 0)
                .add("log_watchers", 0)
                .add("unexpected_napi_ids", 0)
                .add("round_robin_fallback", 0)
                .add("bytes", store.usedBytes())
                .add("curr_items", store.currItems())
                .add("total_items", store.totalItems())
                .add("slab_global_page_pool", 0)
                .add("expired_unfetched", store.expiredUnfetched())
                .add("evicted_unfetched", store.evictedUnfetched())
                .add("evicted_active", 0)
                .add("evictions", store.evictions())
                .add("reclaimed", store.reclaimed());
        for (String idle : new String[]{"crawler_reclaimed", "crawler_items_checked", "lrutail_reflocked",
                "moves_to_cold", "moves_to_warm", "moves_within_lru", "direct_reclaims", "lru_bumps_dropped"}) {
            l.add(idle, 0);
        }
        return l.end();
    }

    public static String settings(McServer server) {
        McSettings s = server.settings();
        String inter = s.listen.isEmpty() ? "NULL" : String.join(",", s.listen);
        Lines l = new Lines()
                .add("maxbytes", server.store().maxBytes())
                .add("maxconns", s.maxConns)
                .add("tcpport", s.port)
                .add("udpport", s.udpPort)
                .add("inter", inter)
                .add("verbosity", server.verbosity())
                .add("oldest", 0)
                .add("evictions", s.evictions ? "on" : "off")
                .add("domain_socket", "NULL")
                .add("umask", 700)
                .add("shutdown_command", s.shutdownCommand ? "yes" : "no")
                .add("growth_factor", String.format(Locale.ROOT, "%.2f", s.growthFactor))
                .add("chunk_size", s.chunkSize)
                .add("num_threads", s.threads)
                .add("num_threads_per_udp", s.threads)
                .add("stat_key_prefix", ":")
                .add("detail_enabled", "no")
                .add("reqs_per_event", s.reqsPerEvent)
                .add("cas_enabled", s.useCas ? "yes" : "no")
                .add("tcp_backlog", s.backlog)
                .add("binding_protocol", s.sasl || s.protocol.equals("binary") ? "binary"
                        : s.protocol.equals("ascii") ? "ascii" : "auto-negotiate")
                .add("auth_enabled_sasl", s.sasl ? "yes" : "no")
                .add("auth_enabled_ascii", s.authFile != null ? s.authFile.toString() : "no")
                .add("item_size_max", s.itemSizeMax)
                .add("maxconns_fast", s.maxconnsFast ? "yes" : "no")
                .add("hashpower_init", 0)
                .add("slab_reassign", "yes")
                .add("slab_automove", 1)
                .add("slab_automove_ratio", "0.80")
                .add("slab_automove_window", 30)
                .add("slab_chunk_max", s.slabChunkMax)
                .add("lru_crawler", s.lruCrawler ? "yes" : "no")
                .add("lru_crawler_sleep", 100)
                .add("lru_crawler_tocrawl", 0)
                .add("tail_repair_time", 0)
                .add("flush_enabled", s.flushEnabled ? "yes" : "no")
                .add("dump_enabled", "yes")
                .add("hash_algorithm", s.hashAlgorithm)
                .add("lru_maintainer_thread", s.lruMaintainer ? "yes" : "no")
                .add("lru_segmented", s.lruMaintainer ? "yes" : "no")
                .add("hot_lru_pct", s.hotLruPct)
                .add("warm_lru_pct", s.warmLruPct)
                .add("hot_max_factor", "0.20")
                .add("warm_max_factor", "2.00")
                .add("temp_lru", "no")
                .add("temporary_ttl", 61)
                .add("idle_timeout", s.idleTimeout)
                .add("watcher_logbuf_size", 262144)
                .add("worker_logbuf_size", 65536)
                .add("read_buf_mem_limit", 0)
                .add("track_sizes", "no")
                .add("inline_ascii_response", "no")
                .add("ext_item_size", 512)
                .add("ext_item_age", 4294967295L)
                .add("ext_low_ttl", 0)
                .add("ext_recache_rate", 2000)
                .add("ext_wbuf_size", 4194304)
                .add("ext_compact_under", 0)
                .add("ext_drop_under", 0)
                .add("ext_max_sleep", 1000000)
                .add("ext_max_frag", "0.80")
                .add("slab_automove_freeratio", "0.010")
                .add("ext_drop_unread", "no")
                .add("ssl_enabled", s.tls ? "yes" : "no")
                .add("ssl_chain_cert", s.sslChainCert == null ? "(null)" : s.sslChainCert)
                .add("ssl_key", s.sslKey == null ? "(null)" : s.sslKey)
                // memcached shows OpenSSL's flags: PEER 1, FAIL_IF_NO_PEER_CERT 2, CLIENT_ONCE 4
                .add("ssl_verify_mode", new int[]{0, 1, 3, 7}[s.sslVerifyMode])
                .add("ssl_keyformat", s.sslKeyformat)
                .add("ssl_ciphers", s.sslCiphers == null ? "NULL" : s.sslCiphers)
                .add("ssl_ca_cert", s.sslCaCert == null ? "NULL" : s.sslCaCert)
                .add("ssl_wbuf_size", s.sslWbufSize)
                .add("ssl_session_cache", s.sslSessionCache ? "yes" : "no")
                .add("ssl_kernel_tls", s.sslKernelTls ? "yes" : "no")
                .add("ssl_min_version", s.sslMinVersion)
                .add("num_napi_ids", "(null)")
                .add("memory_file", "(null)");
        return l.end();
    }

    /** Per slab class: item count and bytes of the items that class would hold. */
    private static long[][] classUsage(McServer server, SlabClasses classes) {
        long[][] usage = new long[classes.largest() + 1][2];
        server.store().forEachItemSize(size -> {
            int id = classes.classOf(size);
            usage[id][0]++;
            usage[id][1] += size;
        });
        return usage;
    }

    private static SlabClasses classes(McServer server) {
        McSettings s = server.settings();
        return new SlabClasses(s.chunkSize, s.growthFactor, s.slabChunkMax);
    }

    public static String items(McServer server) {
        SlabClasses classes = classes(server);
        long[][] usage = classUsage(server, classes);
        Lines l = new Lines();
        for (int id = 1; id < usage.length; id++) {
            if (usage[id][0] == 0) {
                continue;
            }
            String p = "items:" + id + ":";
            l.add(p + "number", usage[id][0]).add(p + "number_hot", 0).add(p + "number_warm", 0)
                    .add(p + "number_cold", usage[id][0]).add(p + "age_hot", 0).add(p + "age_warm", 0)
                    .add(p + "age", 0).add(p + "mem_requested", usage[id][1]);
            for (String zero : new String[]{"evicted", "evicted_nonzero", "evicted_time", "outofmemory",
                    "tailrepairs", "reclaimed", "expired_unfetched", "evicted_unfetched", "evicted_active",
                    "crawler_reclaimed", "crawler_items_checked", "lrutail_reflocked", "moves_to_cold",
                    "moves_to_warm", "moves_within_lru", "direct_reclaims", "hits_to_hot", "hits_to_warm",
                    "hits_to_cold", "hits_to_temp"}) {
                l.add(p + zero, 0);
            }
        }
        return l.end();
    }

    public static String slabs(McServer server) {
        SlabClasses classes = classes(server);
        long[][] usage = classUsage(server, classes);
        Lines l = new Lines();
        int active = 0;
        long malloced = 0;
        for (int id = 1; id < usage.length; id++) {
            if (usage[id][0] == 0) {
                continue;
            }
            active++;
            int size = classes.size(id);
            long perPage = Math.max(1, SlabClasses.PAGE_SIZE / size);
            long pages = (usage[id][0] + perPage - 1) / perPage;
            malloced += pages * SlabClasses.PAGE_SIZE;
            String p = id + ":";
            l.add(p + "chunk_size", size).add(p + "chunks_per_page", perPage).add(p + "total_pages", pages)
                    .add(p + "total_chunks", pages * perPage).add(p + "used_chunks", usage[id][0])
                    .add(p + "free_chunks", pages * perPage - usage[id][0]).add(p + "free_chunks_end", 0);
            for (String zero : new String[]{"get_hits", "cmd_set", "delete_hits", "incr_hits", "decr_hits",
                    "cas_hits", "cas_badval", "touch_hits"}) {
                l.add(p + zero, 0);
            }
        }
        l.add("active_slabs", active).add("total_malloced", malloced);
        return l.end();
    }

    public static String conns(McServer server) {
        Lines l = new Lines();
        long now = System.currentTimeMillis();
        for (McConnection c : server.connections()) {
            String p = c.id() + ":";
            l.add(p + "addr", c.remoteAddress()).add(p + "listen_addr", c.localAddress())
                    .add(p + "state", c.state()).add(p + "secs_since_last_cmd", (now - c.lastCommandMillis()) / 1000);
        }
        return l.end();
    }
}
