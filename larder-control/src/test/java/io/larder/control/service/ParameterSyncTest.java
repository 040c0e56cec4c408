package io.larder.control.service;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.NodeType;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ParameterSyncTest {
    @TempDir
    Path dir;

    @Test
    void immediateChangesApplyLiveAndRebootChangesWaitForARestart() {
        try (Store store = JdbcStore.sqlite(dir.resolve("state.db"))) {
            ParameterSync sync = new ParameterSync(store);
            store.insertParameterGroup(new CacheParameterGroup("g", Engine.REDIS, "d"));
            CacheCluster c = new CacheCluster("c", Engine.REDIS, "7.2.4", NodeType.MICRO, 1, null, "available", null,
                    "g", 0, 0);
            CacheNode n = new CacheNode("c", "0001", NodeStatus.AVAILABLE, 7901, 0, 0);
            List<CacheNode> nodes = List.of(n);
            assertThat(sync.state(c, nodes).applyStatus()).as("unrecorded node runs the defaults").isEqualTo("in-sync");

            store.setParameterValue("g", "maxmemory-policy", "allkeys-lru");
            Map<String, String> wanted = sync.effective(Engine.REDIS, "g");
            assertThat(ParameterSync.immediateChanges(Engine.REDIS, sync.running(c, n), wanted))
                    .containsExactly(Map.entry("maxmemory-policy", "allkeys-lru"));
            assertThat(sync.state(c, nodes).applyStatus()).isEqualTo("applying");

            store.setParameterValue("g", "databases", "4");
            ParameterSync.ClusterState s = sync.state(c, nodes);
            assertThat(s.applyStatus()).isEqualTo("pending-reboot");
            assertThat(s.nodeIdsToReboot()).containsExactly("0001");
            assertThat(s.nodeStatus()).containsEntry("0001", "pending-reboot");

            // The node restarted with the group's values: nothing is pending any more.
            store.setNodeParameters("c", "0001", sync.effective(Engine.REDIS, "g"));
            assertThat(sync.state(c, nodes).applyStatus()).isEqualTo("in-sync");
            assertThat(sync.state(c, nodes).nodeIdsToReboot()).isEmpty();
        }
    }

    @Test
    void memcachedParametersAlwaysWaitForAReboot() {
        Map<String, String> running = Map.of("chunk_size", "48");
        Map<String, String> wanted = Map.of("chunk_size", "96");
        assertThat(ParameterSync.immediateChanges(Engine.MEMCACHED, running, wanted)).isEmpty();
        assertThat(ParameterSync.rebootChanges(Engine.MEMCACHED, running, wanted)).containsExactly("chunk_size");
    }
}
