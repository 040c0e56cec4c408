package io.larder.control.metrics;

import io.larder.control.model.Engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Derives ElastiCache's CloudWatch metrics (names as CloudWatch has them) from a node's raw counters. The CPU
 * metrics need two readings and come from {@link CpuUtilization}.
 */
public final class CloudWatchMetrics {
    /** Metrics that only grow (Prometheus counters); the others are gauges. */
    public static boolean cumulative(String metric) {
        return switch (metric) {
            case "CacheHits", "CacheMisses", "Evictions", "Reclaimed", "NewConnections", "NetworkBytesIn",
                 "NetworkBytesOut", "CmdGet", "CmdSet", "GetHits", "GetMisses", "GetTypeCmds", "SetTypeCmds",
                 "AuthenticationFailures" -> true;
            default -> false;
        };
    }

    private CloudWatchMetrics() {
    }

    public static Map<String, Double> of(Engine engine, Map<String, Double> raw) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (engine == Engine.REDIS) {
            put(m, "CurrConnections", raw.get("connected_clients"));
            put(m, "NewConnections", raw.get("total_connections_received"));
            // Failed AUTH/HELLO AUTH, wrong passwords and refused tokens alike, as ElastiCache's metric.
            put(m, "AuthenticationFailures", raw.get("acl_access_denied_auth"));
            double hits = raw.getOrDefault("keyspace_hits", 0.0);
            double misses = raw.getOrDefault("keyspace_misses", 0.0);
            put(m, "CacheHits", raw.get("keyspace_hits"));
            put(m, "CacheMisses", raw.get("keyspace_misses"));
            put(m, "CacheHitRate", hits + misses == 0 ? 0.0 : 100.0 * hits / (hits + misses));
            put(m, "Evictions", raw.get("evicted_keys"));
            put(m, "Reclaimed", raw.get("expired_keys"));
            put(m, "BytesUsedForCache", raw.get("used_memory"));
            Double max = raw.get("maxmemory");
            Double used = raw.get("used_memory");
            if (max != null && used != null && max > 0) {
                put(m, "DatabaseMemoryUsagePercentage", 100.0 * used / max);
            }
            put(m, "NetworkBytesIn", raw.get("total_net_input_bytes"));
            put(m, "NetworkBytesOut", raw.get("total_net_output_bytes"));
            double items = 0;
            for (Map.Entry<String, Double> e : raw.entrySet()) {
                if (e.getKey().matches("db\\d+\\.keys")) {
                    items += e.getValue();
                }
            }
            put(m, "CurrItems", items);
            put(m, "GetTypeCmds", raw.get(NodeStats.READ_CALLS));
            put(m, "SetTypeCmds", raw.get(NodeStats.WRITE_CALLS));
        } else {
            put(m, "CurrConnections", raw.get("curr_connections"));
            put(m, "NewConnections", raw.get("total_connections"));
            put(m, "CmdGet", raw.get("cmd_get"));
            put(m, "CmdSet", raw.get("cmd_set"));
            put(m, "GetHits", raw.get("get_hits"));
            put(m, "GetMisses", raw.get("get_misses"));
            put(m, "Evictions", raw.get("evictions"));
            put(m, "Reclaimed", raw.get("reclaimed"));
            put(m, "CurrItems", raw.get("curr_items"));
            put(m, "BytesUsedForCacheItems", raw.get("bytes"));
            put(m, "NetworkBytesIn", raw.get("bytes_read"));
            put(m, "NetworkBytesOut", raw.get("bytes_written"));
        }
        return m;
    }

    private static void put(Map<String, Double> m, String name, Double value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
