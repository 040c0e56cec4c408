package io.larder.control.service;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.Parameter;
import io.larder.control.store.Store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares what each node runs with (recorded at its start and after each live change) with its cluster's parameter
 * group. Differences in {@code immediate} parameters are what the supervisor applies live; differences in
 * {@code requires-reboot} ones make the node, and its cluster, {@code pending-reboot} until it restarts.
 */
public final class ParameterSync {
    public static final String IN_SYNC = "in-sync";
    public static final String APPLYING = "applying";
    public static final String PENDING_REBOOT = "pending-reboot";
    private final Store store;

    public ParameterSync(Store store) {
        this.store = store;
    }

    /** Every parameter of the group's family with the value the group gives it (the user's, else the default). */
    public Map<String, String> effective(Engine engine, String group) {
        Map<String, String> values = new LinkedHashMap<>();
        DefaultParameters.of(engine).forEach(p -> values.put(p.name(), p.value()));
        if (!group.equals(engine.defaultParameterGroup())) {
            values.putAll(store.parameterValues(group));
        }
        return values;
    }

    /** What the node runs with; a node started before this was recorded runs with the family's defaults. */
    public Map<String, String> running(CacheCluster c, CacheNode n) {
        Map<String, String> values = store.nodeParameters(c.id(), n.nodeId());
        if (values.isEmpty()) {
            values = new LinkedHashMap<>();
            for (Parameter p : DefaultParameters.of(c.engine())) {
                values.put(p.name(), p.value());
            }
        }
        return values;
    }

    /** Immediate parameters whose value on the node differs from the group's, with the group's values. */
    public static Map<String, String> immediateChanges(Engine engine, Map<String, String> running,
                                                       Map<String, String> wanted) {
        return changes(engine, running, wanted, true);
    }

    /** Names of requires-reboot parameters whose value on the node differs from the group's. */
    public static List<String> rebootChanges(Engine engine, Map<String, String> running, Map<String, String> wanted) {
        return new ArrayList<>(changes(engine, running, wanted, false).keySet());
    }

    private static Map<String, String> changes(Engine engine, Map<String, String> running, Map<String, String> wanted,
                                               boolean immediate) {
        Map<String, String> out = new LinkedHashMap<>();
        wanted.forEach((name, value) -> {
            Parameter p = DefaultParameters.find(engine, name);
            // memcached nodes take no live changes: for them every parameter waits for a reboot.
            boolean live = p != null && p.immediate() && engine == Engine.REDIS;
            if (live == immediate && !value.equals(running.get(name))) {
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * A cluster's CacheParameterGroupStatus: ParameterApplyStatus ({@code in-sync}, {@code applying} while immediate
     * changes are on their way, {@code pending-reboot}), the nodes to reboot and each node's own status.
     */
    public record ClusterState(String applyStatus, List<String> nodeIdsToReboot, Map<String, String> nodeStatus) {
    }

    public ClusterState state(CacheCluster c, List<CacheNode> nodes) {
        Map<String, String> wanted = effective(c.engine(), c.parameterGroup());
        List<String> reboot = new ArrayList<>();
        Map<String, String> perNode = new LinkedHashMap<>();
        boolean applying = false;
        for (CacheNode n : nodes) {
            if (n.status().equals(NodeStatus.CREATING) || n.status().equals(NodeStatus.DELETING)) {
                perNode.put(n.nodeId(), IN_SYNC);
                continue;
            }
            Map<String, String> running = running(c, n);
            String s = IN_SYNC;
            if (!rebootChanges(c.engine(), running, wanted).isEmpty()) {
                s = PENDING_REBOOT;
                reboot.add(n.nodeId());
            } else if (!immediateChanges(c.engine(), running, wanted).isEmpty()) {
                s = APPLYING;
                applying = true;
            }
            perNode.put(n.nodeId(), s);
        }
        String status = !reboot.isEmpty() ? PENDING_REBOOT : applying ? APPLYING : IN_SYNC;
        return new ClusterState(status, reboot, perNode);
    }
}
