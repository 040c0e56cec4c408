package io.larder.control.metrics;

import io.larder.control.model.Engine;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CloudWatchMetricsTest {
    @Test
    void redisMetricsComeFromInfo() {
        Map<String, Double> m = CloudWatchMetrics.of(Engine.REDIS, Map.of("keyspace_hits", 3.0, "keyspace_misses", 1.0,
                "used_memory", 50.0, "maxmemory", 200.0, "db0.keys", 4.0, "db3.keys", 2.0, "db0.expires", 1.0,
                "connected_clients", 2.0, "evicted_keys", 0.0, "acl_access_denied_auth", 7.0));
        assertThat(m).containsEntry("CacheHits", 3.0).containsEntry("CacheMisses", 1.0).containsEntry("CurrItems", 6.0)
                .containsEntry("CurrConnections", 2.0).containsEntry("Evictions", 0.0).containsEntry("BytesUsedForCache", 50.0);
        assertThat(m).containsEntry("AuthenticationFailures", 7.0);
        assertThat(CloudWatchMetrics.cumulative("AuthenticationFailures")).isTrue();
        assertThat(m.get("CacheHitRate")).isCloseTo(75.0, within(1e-9));
        assertThat(m.get("DatabaseMemoryUsagePercentage")).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void noMaxmemoryMeansNoUsagePercentageAndNoTrafficNoHitRateDivisionByZero() {
        Map<String, Double> m = CloudWatchMetrics.of(Engine.REDIS, Map.of("used_memory", 50.0, "maxmemory", 0.0));
        assertThat(m).doesNotContainKey("DatabaseMemoryUsagePercentage").containsEntry("CacheHitRate", 0.0);
    }

    @Test
    void memcachedMetricsComeFromStats() {
        Map<String, Double> m = CloudWatchMetrics.of(Engine.MEMCACHED, Map.of("cmd_get", 5.0, "cmd_set", 2.0,
                "get_hits", 4.0, "get_misses", 1.0, "curr_items", 2.0, "curr_connections", 3.0));
        assertThat(m).containsEntry("CmdGet", 5.0).containsEntry("CmdSet", 2.0).containsEntry("GetHits", 4.0)
                .containsEntry("GetMisses", 1.0).containsEntry("CurrItems", 2.0).containsEntry("CurrConnections", 3.0);
        assertThat(CloudWatchMetrics.cumulative("CmdGet")).isTrue();
        assertThat(CloudWatchMetrics.cumulative("CurrItems")).isFalse();
    }
}
