package io.larder.control.store;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.MetricSample;
import io.larder.control.model.NodeType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStoreTest {
    @TempDir
    Path dir;

    private static CacheCluster cluster(String id) {
        return new CacheCluster(id, Engine.MEMCACHED, "1.6.22", NodeType.MICRO, 2, null, "creating", null,
                "default.memcached1.6", 0, 1000);
    }

    @Test
    void stateSurvivesReopening() {
        try (Store s = new SqliteStore(dir.resolve("state.db"))) {
            assertThat(s.insertCluster(cluster("a"))).isTrue();
            assertThat(s.insertCluster(cluster("a"))).as("duplicate").isFalse();
            s.upsertNode(new CacheNode("a", "0001", "creating", 7901, 0, 1000));
            s.upsertNode(new CacheNode("a", "0001", "available", 7901, 42, 1000));
            s.updateCluster(cluster("a").withNodes(2, 3).withStatus("modifying"));
            s.addEvent(new Event("a", "cache-cluster", "Cache cluster created", 2000));
            s.putMeta("initialized", "yes");
        }
        try (Store s = new SqliteStore(dir.resolve("state.db"))) {
            CacheCluster a = s.cluster("a").orElseThrow();
            assertThat(a.status()).isEqualTo("modifying");
            assertThat(a.pendingNumCacheNodes()).isEqualTo(3);
            assertThat(a.engine()).isEqualTo(Engine.MEMCACHED);
            assertThat(s.nodes("a")).containsExactly(new CacheNode("a", "0001", "available", 7901, 42, 1000));
            assertThat(s.events("a", 0, 5000)).extracting(Event::message).containsExactly("Cache cluster created");
            assertThat(s.events("a", 2001, 5000)).isEmpty();
            assertThat(s.meta("initialized")).contains("yes");
        }
    }

    @Test
    void metricsAreReadByClusterNodeAndTimeAndPruned() {
        try (Store s = new SqliteStore(dir.resolve("state.db"))) {
            s.addMetrics(java.util.List.of(new MetricSample("a", "0001", "CacheHits", 1000, 1),
                    new MetricSample("a", "0002", "CacheHits", 2000, 2), new MetricSample("a", "0001", "CurrItems", 2000, 5),
                    new MetricSample("b", "0001", "CacheHits", 2000, 7)));
            assertThat(s.metrics("a", null, "CacheHits", 0, 5000)).extracting(MetricSample::value).containsExactly(1.0, 2.0);
            assertThat(s.metrics("a", "0002", "CacheHits", 0, 5000)).extracting(MetricSample::value).containsExactly(2.0);
            assertThat(s.metrics("a", null, "CacheHits", 1500, 5000)).hasSize(1);
            s.pruneMetrics(1500);
            assertThat(s.metrics("a", "0001", "CacheHits", 0, 5000)).isEmpty();
            assertThat(s.metrics("b", null, "CacheHits", 0, 5000)).hasSize(1);
        }
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        try (Store s = new SqliteStore(dir.resolve("state.db"))) {
            assertThatThrownBy(() -> s.inTransaction(() -> {
                s.insertCluster(cluster("b"));
                s.upsertNode(new CacheNode("b", "0001", "creating", 7902, 0, 1000));
                throw new IllegalStateException("crash in the middle");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(s.clusters()).isEmpty();
            assertThat(s.allNodes()).isEmpty();
        }
    }
}
