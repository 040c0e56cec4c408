package io.larder.control.api;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;
import io.larder.control.service.ParameterSync;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationEndpointTest {
    private static final CacheCluster MEMCACHED = new CacheCluster("mc", Engine.MEMCACHED, "1.6.22", NodeType.MICRO, 2,
            null, "available", null, "default.memcached1.6", 0, 1000);

    private static Object endpoint(CacheCluster c, CacheNode... nodes) {
        return Shapes.cacheCluster(c, List.of(nodes), "127.0.0.1", false,
                new ParameterSync.ClusterState(ParameterSync.IN_SYNC, List.of(), Map.of()), null).get("ConfigurationEndpoint");
    }

    @Test
    void theFirstNodeNotBeingRemovedAnswersAutoDiscovery() {
        CacheNode one = new CacheNode("mc", "0001", "available", 24001, 1, 1000);
        CacheNode two = new CacheNode("mc", "0002", "available", 24002, 2, 1000);
        assertThat(endpoint(MEMCACHED, one, two)).isEqualTo(Map.of("Address", "127.0.0.1", "Port", 24001));
        assertThat(endpoint(MEMCACHED, one.withStatus("deleting"), two)).isEqualTo(Map.of("Address", "127.0.0.1", "Port", 24002));
        assertThat(endpoint(MEMCACHED, one.withStatus("deleting"))).as("all going: the first still")
                .isEqualTo(Map.of("Address", "127.0.0.1", "Port", 24001));
        CacheCluster redis = new CacheCluster("r", Engine.REDIS, "7.2.4", NodeType.MICRO, 1, null, "available", null,
                "default.redis7", 0, 1000);
        assertThat(endpoint(redis, new CacheNode("r", "0001", "available", 24003, 3, 1000))).isNull();
    }
}
