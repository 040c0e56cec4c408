package io.larder.control.store;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterSecurity;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.MetricSample;
import io.larder.control.model.NodeType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link Store} does; each database runs these through a subclass that says how to open it. */
abstract class StoreContractTest {
    /** Opens the store of the running test: the same state each time it is called within one test, fresh per test. */
    abstract Store open();

    private static CacheCluster cluster(String id) {
        return new CacheCluster(id, Engine.MEMCACHED, "1.6.22", NodeType.MICRO, 2, null, "creating", null,
                "default.memcached1.6", 0, 1000);
    }

    @Test
    void stateSurvivesReopening() {
        try (Store s = open()) {
            assertThat(s.insertCluster(cluster("a"))).isTrue();
            assertThat(s.insertCluster(cluster("a"))).as("duplicate").isFalse();
            s.upsertNode(new CacheNode("a", "0001", "creating", 7901, 0, 1000));
            s.upsertNode(new CacheNode("a", "0001", "available", 7901, 42, 1000));
            s.updateCluster(cluster("a").withNodes(2, 3).withStatus("modifying"));
            s.addEvent(new Event("a", "cache-cluster", "Cache cluster created", 2000));
            s.putMeta("initialized", "yes");
        }
        try (Store s = open()) {
            CacheCluster a = s.cluster("a").orElseThrow();
            assertThat(a.status()).isEqualTo("modifying");
            assertThat(a.pendingNumCacheNodes()).isEqualTo(3);
            assertThat(a.engine()).isEqualTo(Engine.MEMCACHED);
            assertThat(s.nodes("a")).containsExactly(new CacheNode("a", "0001", "available", 7901, 42, 1000));
            assertThat(s.events("a", 0, 5000)).extracting(Event::message).containsExactly("Cache cluster created");
            assertThat(s.events("a", 2001, 5000)).isEmpty();
            assertThat(s.meta("initialized")).contains("yes");
            s.putMeta("initialized", "again");
            assertThat(s.meta("initialized")).contains("again");
            s.deleteMeta("initialized");
            assertThat(s.meta("initialized")).isEmpty();
        }
    }

    @Test
    void metricsAreReadByClusterNodeAndTimeAndPruned() {
        try (Store s = open()) {
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
        try (Store s = open()) {
            assertThatThrownBy(() -> s.inTransaction(() -> {
                s.insertCluster(cluster("b"));
                s.upsertNode(new CacheNode("b", "0001", "creating", 7902, 0, 1000));
                throw new IllegalStateException("crash in the middle");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(s.clusters()).isEmpty();
            assertThat(s.allNodes()).isEmpty();
        }
    }

    @Test
    void securitySettingsAreKeptWithTheClusterAndDeletedWithIt() {
        ClusterSecurity secure = new ClusterSecurity(true, java.util.List.of("app", "reporting"));
        CacheCluster c = new CacheCluster("secure", Engine.REDIS, "7.2.4", NodeType.MICRO, 1, null, "creating", null,
                "default.redis7", 0, 1000, secure);
        try (Store s = open()) {
            assertThat(s.insertCluster(c)).isTrue();
            assertThat(s.insertCluster(cluster("plain"))).isTrue();
            s.updateCluster(c.withStatus("available"));
        }
        try (Store s = open()) {
            assertThat(s.cluster("secure").orElseThrow().security()).isEqualTo(secure);
            assertThat(s.cluster("plain").orElseThrow().security()).isEqualTo(ClusterSecurity.NONE);
            s.deleteCluster("secure");
            assertThat(s.insertCluster(new CacheCluster("secure", Engine.REDIS, "7.2.4", NodeType.MICRO, 1, null,
                    "creating", null, "default.redis7", 0, 2000))).isTrue();
            assertThat(s.cluster("secure").orElseThrow().security()).as("a new cluster of the same name")
                    .isEqualTo(ClusterSecurity.NONE);
        }
    }

    @Test
    void clustersNodesAndEventsAreUpdatedListedAndDeleted() {
        long now = 1_795_000_000_000L;
        try (Store s = open()) {
            CacheCluster c = new CacheCluster("big", Engine.REDIS, "7.2.4", NodeType.SMALL, 1, null, "creating", "token",
                    "default.redis7", 6379, now);
            assertThat(s.insertCluster(c)).isTrue();
            s.insertCluster(cluster("a"));
            s.updateCluster(c.withNodes(1, null).withStatus("available"));
            assertThat(s.cluster("big")).contains(c.withStatus("available"));
            assertThat(s.clusters()).extracting(CacheCluster::id).containsExactly("a", "big");
            s.upsertNode(new CacheNode("big", "0001", "available", 6379, 4_000_000_000L, now));
            s.upsertNode(new CacheNode("a", "0002", "creating", 7902, 0, now));
            s.upsertNode(new CacheNode("a", "0001", "creating", 7901, 0, now));
            assertThat(s.allNodes()).extracting(n -> n.clusterId() + "/" + n.nodeId())
                    .containsExactly("a/0001", "a/0002", "big/0001");
            assertThat(s.nodes("big").get(0).pid()).isEqualTo(4_000_000_000L);
            s.deleteNode("a", "0001");
            assertThat(s.nodes("a")).extracting(CacheNode::nodeId).containsExactly("0002");
            s.deleteCluster("a");
            assertThat(s.cluster("a")).isEmpty();
            for (int i = 0; i < 3; i++) {
                s.addEvent(new Event("big", "cache-cluster", "event " + i, now));
            }
            s.addEvent(new Event("other", "cache-cluster", "elsewhere", now + 1));
            assertThat(s.events("big", now, now)).extracting(Event::message).containsExactly("event 0", "event 1", "event 2");
            assertThat(s.events(null, now, now + 1)).hasSize(4);
            s.addMetrics(java.util.List.of(new MetricSample("big", "0001", "CPUUtilization", now, 12.5)));
            assertThat(s.metrics("big", "0001", "CPUUtilization", now, now)).extracting(MetricSample::value).containsExactly(12.5);
        }
    }
}
