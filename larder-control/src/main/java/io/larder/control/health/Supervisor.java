package io.larder.control.health;

import io.larder.control.discovery.DiscoveryPublisher;
import io.larder.control.events.EventLog;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.NodeStatus;
import io.larder.control.provision.NodeSpec;
import io.larder.control.provision.Provisioner;
import io.larder.control.service.ParameterSync;
import io.larder.control.store.Store;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every tick (a second by default) checks every node and moves each cluster toward the state the store asks for:
 * starts creating nodes, restarts rebooting and dead ones on their own port and data directory, stops and removes
 * deleted ones, and settles cluster statuses with their events. It is the only component that starts or stops
 * processes. Nodes found running after a control-plane restart are adopted (by recorded pid, or by their command
 * line when the pid never reached the store), so none is orphaned or started twice.
 */
public final class Supervisor implements AutoCloseable {
    /** A node that runs but has not answered this many checks in a row is killed and restarted. */
    static final int UNRESPONSIVE_CHECKS = 5;
    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());

    private final Store store;
    private final Object lock;
    private final Provisioner provisioner;
    private final NodeProbe probe;
    private final EventLog events;
    private final Clock clock;
    /** Gives memcached nodes their cluster's auto discovery list; null when the nodes cannot serve one. */
    private final DiscoveryPublisher discovery;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "larder-supervisor");
        t.setDaemon(true);
        return t;
    });
    /** Recovering nodes and when their death was noticed. */
    private final Map<String, Long> recovering = new HashMap<>();
    private final Map<String, Integer> failedChecks = new HashMap<>();
    /** Starts of a node since it last came up, and when the last one was: failing starts back off. */
    private final Map<String, Integer> launches = new HashMap<>();
    private final Map<String, Long> lastLaunch = new HashMap<>();
    private final ParameterSync parameters;
    private final ParameterApplier applier;

    public Supervisor(Store store, Object lock, Provisioner provisioner, NodeProbe probe, EventLog events, Clock clock,
                      DiscoveryPublisher discovery) {
        this.store = store;
        this.discovery = discovery;
        this.lock = lock;
        this.provisioner = provisioner;
        this.probe = probe;
        this.events = events;
        this.clock = clock;
        this.parameters = new ParameterSync(store);
        this.applier = new ParameterApplier(store, events, provisioner.address(), 1000, probe.security());
    }

    public void start(long intervalMillis) {
        timer.scheduleWithFixedDelay(this::safeTick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "supervisor tick failed", e);
        }
    }

    /** One round: probe outside the lock (probes may take their timeout), then act under it on fresh state. */
    void tick() {
        Map<String, Boolean> healthy = new HashMap<>();
        for (CacheCluster c : store.clusters()) {
            for (CacheNode n : store.nodes(c.id())) {
                if (!n.status().equals(NodeStatus.DELETING)) {
                    healthy.put(key(n), probe.healthy(c.engine(), provisioner.address(), n.port(),
                            c.security().transitEncryption()));
                }
            }
        }
        // Live parameter changes talk to the nodes: outside the lock, like the probes. Only this thread starts
        // nodes, so none restarts (and re-records its parameters) meanwhile.
        for (CacheCluster c : store.clusters()) {
            if (!c.status().equals(ClusterStatus.DELETING)) {
                for (CacheNode n : store.nodes(c.id())) {
                    if (n.status().equals(NodeStatus.AVAILABLE) && healthy.getOrDefault(key(n), false)) {
                        applier.apply(c, n);
                    }
                }
            }
        }
        synchronized (lock) {
            for (CacheCluster c : store.clusters()) {
                if (c.status().equals(ClusterStatus.DELETING)) {
                    finishDelete(c);
                } else {
                    for (CacheNode n : store.nodes(c.id())) {
                        drive(c, n, healthy.getOrDefault(key(n), false));
                    }
                    settle(c);
                }
            }
        }
        // Outside the lock: it talks to nodes. In the tick that changed the membership, so clients hear at once.
        if (discovery != null) {
            discovery.publish();
        }
    }

    private void drive(CacheCluster c, CacheNode n, boolean healthy) {
        NodeSpec spec = spec(c, n);
        String key = key(n);
        switch (n.status()) {
            case NodeStatus.CREATING -> {
                long pid = provisioner.find(spec, n.pid());
                if (healthy && pid != 0) {
                    launches.remove(key);
                    store.upsertNode(n.withPid(pid).withStatus(NodeStatus.AVAILABLE));
                    if (!c.status().equals(ClusterStatus.CREATING)) {
                        events.cluster(c.id(), EventLog.nodeAdded(n.nodeId()));
                    }
                } else if (pid == 0) {
                    launch(c, n, spec);
                } else if (pid != n.pid()) {
                    store.upsertNode(n.withPid(pid));
                }
            }
            case NodeStatus.REBOOTING -> {
                provisioner.stop(spec, n.pid());
                if (provisioner.find(spec, n.pid()) == 0) {
                    launch(c, n.withStatus(NodeStatus.RESTARTING), spec);
                }
            }
            case NodeStatus.RESTARTING -> {
                long pid = provisioner.find(spec, n.pid());
                if (pid == 0) {
                    launch(c, n, spec);
                } else if (healthy) {
                    launches.remove(key);
                    store.upsertNode(n.withPid(pid).withStatus(NodeStatus.AVAILABLE));
                    Long since = recovering.remove(key);
                    events.cluster(c.id(), since != null ? EventLog.recovered(n.nodeId(), clock.millis() - since)
                            : EventLog.nodeRestarted(n.nodeId()));
                } else if (pid != n.pid()) {
                    store.upsertNode(n.withPid(pid));
                }
            }
            case NodeStatus.AVAILABLE -> {
                long pid = provisioner.alive(spec, n.pid()) ? n.pid() : provisioner.find(spec, n.pid());
                if (pid != 0 && pid != n.pid()) {
                    store.upsertNode(n.withPid(pid));
                }
                int failures = healthy ? 0 : failedChecks.merge(key, 1, Integer::sum);
                if (healthy) {
                    failedChecks.remove(key);
                }
                if (pid == 0 || failures >= UNRESPONSIVE_CHECKS) {
                    failedChecks.remove(key);
                    recovering.put(key, clock.millis());
                    events.cluster(c.id(), EventLog.recovering(n.nodeId()));
                    provisioner.stop(spec, pid);
                    CacheNode restarting = n.withStatus(NodeStatus.RESTARTING).withPid(0);
                    store.upsertNode(restarting);
                    launch(c, restarting, spec);
                }
            }
            case NodeStatus.DELETING -> {
                provisioner.stop(spec, n.pid());
                if (provisioner.find(spec, n.pid()) != 0) {
                    return;
                }
                removeData(spec);
                store.deleteNode(c.id(), n.nodeId());
                events.cluster(c.id(), EventLog.nodesRemoved(n.nodeId()));
            }
            default -> LOG.log(System.Logger.Level.WARNING, "node {0} in unknown status {1}", key, n.status());
        }
    }

    private void launch(CacheCluster c, CacheNode n, NodeSpec spec) {
        String key = key(n);
        int before = launches.getOrDefault(key, 0);
        long now = clock.millis();
        if (before > 0 && now < lastLaunch.get(key) + Math.min(30_000L, 1000L << Math.min(before - 1, 5))) {
            return;
        }
        if (before == 3) {
            events.cluster(c.id(), EventLog.startFailed(n.nodeId(), "exited 3 times before answering; see "
                    + provisioner.logLocation(spec)));
        }
        launches.put(key, before + 1);
        lastLaunch.put(key, now);
        try {
            // Every start renders the group's current values: a restart applies what waited for a reboot.
            Map<String, String> values = parameters.effective(c.engine(), c.parameterGroup());
            long pid = provisioner.start(spec.withParameters(values));
            LOG.log(System.Logger.Level.INFO, "started node {0} on port {1} (pid {2})", key, n.port(), pid);
            store.inTransaction(() -> {
                store.upsertNode(n.withPid(pid));
                store.setNodeParameters(c.id(), n.nodeId(), values);
            });
        } catch (IOException e) {
            store.upsertNode(n.withPid(0));
            events.cluster(c.id(), EventLog.startFailed(n.nodeId(), e.getMessage()));
        }
    }

    /** Moves a cluster out of a transitional status once all its nodes are where it asked them to be. */
    private void settle(CacheCluster c) {
        List<CacheNode> nodes = store.nodes(c.id());
        boolean settled = nodes.size() == c.targetNodes()
                && nodes.stream().allMatch(n -> n.status().equals(NodeStatus.AVAILABLE));
        if (!settled) {
            return;
        }
        switch (c.status()) {
            case ClusterStatus.CREATING -> {
                store.updateCluster(c.withStatus(ClusterStatus.AVAILABLE));
                events.cluster(c.id(), EventLog.created());
            }
            // A reboot also carries out modifications that waited for it (ApplyImmediately=false).
            case ClusterStatus.MODIFYING, ClusterStatus.REBOOTING -> {
                store.updateCluster(c.withNodes(c.targetNodes(), null).withStatus(ClusterStatus.AVAILABLE));
                if (c.numCacheNodes() != c.targetNodes()) {
                    events.cluster(c.id(), EventLog.modifiedNodes(c.numCacheNodes(), c.targetNodes()));
                }
            }
            default -> {
            }
        }
    }

    private void finishDelete(CacheCluster c) {
        List<CacheNode> nodes = store.nodes(c.id());
        for (CacheNode n : nodes) {
            NodeSpec spec = spec(c, n);
            provisioner.stop(spec, n.pid());
            if (provisioner.find(spec, n.pid()) != 0) {
                return;
            }
            removeData(spec);
            store.deleteNode(c.id(), n.nodeId());
            forget(key(n));
        }
        try {
            provisioner.removeClusterData(c.id());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the data of " + c.id(), e);
            return;
        }
        store.deleteCluster(c.id());
        if (discovery != null) {
            discovery.forget(c.id());
        }
        events.cluster(c.id(), EventLog.deleted());
    }

    /** Stops every node (for {@code larder down --stop-nodes}); the store still lists them, so the next start restarts them. */
    public void stopAllNodes() {
        synchronized (lock) {
            for (CacheCluster c : store.clusters()) {
                for (CacheNode n : store.nodes(c.id())) {
                    provisioner.stop(spec(c, n), n.pid());
                }
            }
        }
    }

    private void removeData(NodeSpec spec) {
        try {
            provisioner.removeData(spec);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the data of " + spec.name(), e);
        }
    }

    private void forget(String key) {
        recovering.remove(key);
        failedChecks.remove(key);
        launches.remove(key);
        lastLaunch.remove(key);
    }

    private static NodeSpec spec(CacheCluster c, CacheNode n) {
        return new NodeSpec(c.id(), n.nodeId(), c.engine(), c.nodeType(), n.port(), c.authToken(),
                Map.of(), c.security());
    }

    private static String key(CacheNode n) {
        return n.clusterId() + "/" + n.nodeId();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
