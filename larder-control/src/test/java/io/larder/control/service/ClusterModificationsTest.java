package io.larder.control.service;

import io.larder.control.api.ApiException;
import io.larder.control.events.EventLog;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.PendingModifications;
import io.larder.control.provision.PortAllocator;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** ModifyCacheCluster's ApplyImmediately, parameter group switches and the reboot that carries out what waited. */
class ClusterModificationsTest {
    @TempDir
    Path dir;
    private Store store;
    private ClusterService clusters;
    private ParameterGroupService groups;

    @BeforeEach
    void open() {
        store = JdbcStore.sqlite(dir.resolve("state.db"));
        Object lock = new Object();
        clusters = new ClusterService(store, lock, new PortAllocator(23100, 23199), Clock.systemUTC());
        groups = new ParameterGroupService(store, lock, new EventLog(store, Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A cluster as the supervisor leaves it once created: available, every node available. */
    private CacheCluster available(String id, String engine, int nodes, String group) {
        CacheCluster c = clusters.create(new ClusterService.CreateRequest(id, engine, null, "cache.micro", nodes, null,
                null, group));
        store.updateCluster(c.withStatus(ClusterStatus.AVAILABLE));
        store.nodes(id).forEach(n -> store.upsertNode(n.withStatus(NodeStatus.AVAILABLE)));
        return store.cluster(id).orElseThrow();
    }

    private static ApiException refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        ApiException e = catchThrowableOfType(ApiException.class, call);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    @Test
    void withoutApplyImmediatelyChangesWaitForTheNextReboot() {
        groups.create("mc-params", "memcached1.6", "d");
        available("mc", "memcached", 2, null);

        CacheCluster after = clusters.modify("mc", new ClusterService.ModifyRequest(3, null, false));
        assertThat(after.status()).isEqualTo(ClusterStatus.AVAILABLE);
        assertThat(store.nodes("mc")).hasSize(2);
        clusters.modify("mc", new ClusterService.ModifyRequest(null, null, null, "mc-params"));
        assertThat(clusters.pending("mc")).contains(new PendingModifications("mc-params", 3, List.of()));
        assertThat(store.cluster("mc").orElseThrow().parameterGroup()).isEqualTo("default.memcached1.6");

        CacheCluster rebooting = clusters.reboot("mc", List.of("0001"));
        assertThat(rebooting.status()).isEqualTo(ClusterStatus.REBOOTING);
        assertThat(rebooting.parameterGroup()).isEqualTo("mc-params");
        assertThat(rebooting.targetNodes()).isEqualTo(3);
        assertThat(store.nodes("mc")).extracting(CacheNode::nodeId, CacheNode::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("0001", NodeStatus.REBOOTING),
                org.assertj.core.groups.Tuple.tuple("0002", NodeStatus.AVAILABLE),
                org.assertj.core.groups.Tuple.tuple("0003", NodeStatus.CREATING));
        assertThat(clusters.pending("mc")).isEmpty();
    }

    @Test
    void applyImmediatelyCarriesOutThisAndEveryWaitingModificationNow() {
        groups.create("r", "redis7", "d");
        available("red", "redis", 1, null);
        clusters.modify("red", new ClusterService.ModifyRequest(null, null, false, "r"));
        assertThat(clusters.pending("red")).isPresent();

        groups.create("r2", "redis7", "d");
        available("red2", "redis", 1, null);
        CacheCluster m = clusters.modify("red2", new ClusterService.ModifyRequest(null, null, true, "r2"));
        assertThat(m.status()).isEqualTo(ClusterStatus.MODIFYING);
        assertThat(m.parameterGroup()).isEqualTo("r2");

        available("mc", "memcached", 3, null);
        clusters.modify("mc", new ClusterService.ModifyRequest(null, null, false, "default.memcached1.6"));
        m = clusters.modify("mc", new ClusterService.ModifyRequest(1, List.of("0001", "0003"), true));
        assertThat(m.status()).isEqualTo(ClusterStatus.MODIFYING);
        assertThat(store.nodes("mc")).filteredOn(n -> n.status().equals(NodeStatus.DELETING))
                .extracting(CacheNode::nodeId).containsExactly("0001", "0003");
        assertThat(clusters.pending("mc")).isEmpty();
    }

    @Test
    void badModificationsAreRefusedAndChangeNothing() {
        groups.create("mc-params", "memcached1.6", "d");
        CacheCluster before = available("red", "redis", 1, null);
        refused(() -> clusters.modify("red", new ClusterService.ModifyRequest(null, null, true, "mc-params")),
                "InvalidParameterCombination");
        refused(() -> clusters.modify("red", new ClusterService.ModifyRequest(null, null, true, "nope")),
                "CacheParameterGroupNotFound");
        refused(() -> clusters.modify("red", new ClusterService.ModifyRequest(null, null, true, null)),
                "InvalidParameterCombination");
        refused(() -> clusters.modify("red", new ClusterService.ModifyRequest(2, null, false)),
                "InvalidParameterValue");
        available("mc", "memcached", 2, null);
        refused(() -> clusters.modify("mc", new ClusterService.ModifyRequest(1, List.of("0009"), false)),
                "InvalidParameterValue");
        refused(() -> clusters.create(new ClusterService.CreateRequest("x", "redis", null, null, 1, null, null,
                "mc-params")), "InvalidParameterCombination");
        assertThat(store.cluster("red")).contains(before);
        assertThat(clusters.pending("red")).isEmpty();
        assertThat(clusters.pending("mc")).isEmpty();
        assertThat(store.cluster("x")).isEmpty();
    }

    @Test
    void ofTwoConcurrentModificationsOneWinsAndTheOtherFindsTheClusterModifying() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "mc" + round;
            available(id, "memcached", 1, null);
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<String>> calls = new ArrayList<>();
            for (int n : new int[] {2, 3}) {
                calls.add(() -> {
                    start.await();
                    try {
                        clusters.modify(id, new ClusterService.ModifyRequest(n, null, true));
                        return "ok";
                    } catch (ApiException e) {
                        return e.code();
                    }
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<String>> results = new ArrayList<>();
                calls.forEach(c -> results.add(pool.submit(c)));
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : results) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).containsExactlyInAnyOrder("ok", "InvalidCacheClusterState");
            } finally {
                pool.shutdown();
            }
            assertThat(store.cluster(id).orElseThrow().status()).isEqualTo(ClusterStatus.MODIFYING);
        }
    }
}
