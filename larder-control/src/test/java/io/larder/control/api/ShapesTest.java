package io.larder.control.api;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;
import io.larder.control.model.PendingModifications;
import io.larder.control.service.ParameterSync;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShapesTest {
    private static final CacheCluster MC = new CacheCluster("mc", Engine.MEMCACHED, "1.6.22", NodeType.MICRO, 2, null,
            "available", null, "mc-params", 0, 0);
    private static final List<CacheNode> NODES = List.of(new CacheNode("mc", "0001", "available", 7901, 1, 0),
            new CacheNode("mc", "0002", "available", 7902, 2, 0));
    private static final ParameterSync.ClusterState PENDING_0002 = new ParameterSync.ClusterState(
            ParameterSync.PENDING_REBOOT, List.of("0002"), Map.of("0001", "in-sync", "0002", "pending-reboot"));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> nodes(Map<String, Object> cluster) {
        return (List<Map<String, Object>>) cluster.get("CacheNodes");
    }

    @Test
    void parameterApplyStatusComesFromTheNodes() {
        Map<String, Object> c = Shapes.cacheCluster(MC, NODES, "127.0.0.1", true, PENDING_0002, null);
        assertThat(map(c.get("CacheParameterGroup"))).containsExactly(Map.entry("CacheParameterGroupName", "mc-params"),
                Map.entry("ParameterApplyStatus", "pending-reboot"), Map.entry("CacheNodeIdsToReboot", List.of("0002")));
        assertThat(nodes(c)).extracting(n -> n.get("ParameterGroupStatus")).containsExactly("in-sync", "pending-reboot");
        assertThat(map(c.get("PendingModifiedValues"))).isEmpty();
    }

    @Test
    void waitingModificationsShowInPendingModifiedValuesAndTheGroupToCome() {
        Map<String, Object> c = Shapes.cacheCluster(MC, NODES, "127.0.0.1", true, PENDING_0002,
                new PendingModifications("default.memcached1.6", 1, List.of("0001")));
        assertThat(map(c.get("PendingModifiedValues"))).containsExactly(Map.entry("NumCacheNodes", 1),
                Map.entry("CacheNodeIdsToRemove", List.of("0001")));
        assertThat(map(c.get("CacheParameterGroup"))).containsExactly(
                Map.entry("CacheParameterGroupName", "default.memcached1.6"),
                Map.entry("ParameterApplyStatus", "pending-reboot"),
                Map.entry("CacheNodeIdsToReboot", List.of("0001", "0002")));
        assertThat(nodes(c)).extracting(n -> n.get("ParameterGroupStatus"))
                .containsExactly("pending-reboot", "pending-reboot");
        assertThat(c.get("NumCacheNodes")).as("still the current count").isEqualTo(2);
    }
}
