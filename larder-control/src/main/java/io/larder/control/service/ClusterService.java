package io.larder.control.service;

import io.larder.control.api.ApiException;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.Engine;
import io.larder.control.model.Ids;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.NodeType;
import io.larder.control.provision.PortAllocator;
import io.larder.control.store.Store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The API's operations on cache clusters. Each validates completely before writing, then records the requested
 * state in one transaction under the control-plane lock; the {@code Supervisor} carries it out. A refusal leaves
 * the store unchanged.
 */
public final class ClusterService {
    public static final int MAX_MEMCACHED_NODES = 40;
    private final Store store;
    private final Object lock;
    private final PortAllocator ports;
    private final Clock clock;

    public ClusterService(Store store, Object lock, PortAllocator ports, Clock clock) {
        this.store = store;
        this.lock = lock;
        this.ports = ports;
        this.clock = clock;
    }

    public record CreateRequest(String cacheClusterId, String engine, String engineVersion, String cacheNodeType,
                                Integer numCacheNodes, String authToken, Integer port, String cacheParameterGroupName) {
    }

    public record ModifyRequest(Integer numCacheNodes, List<String> cacheNodeIdsToRemove, Boolean applyImmediately) {
    }

    public CacheCluster create(CreateRequest r) {
        String id = Ids.cacheClusterId(r.cacheClusterId());
        Engine engine = Engine.parse(r.engine() == null ? Engine.REDIS.id() : r.engine());
        if (engine == null) {
            throw ApiException.invalidValue("Invalid Engine '" + r.engine() + "': expected one of " + Engine.names() + ".");
        }
        if (r.engineVersion() != null && !engine.offers(r.engineVersion())) {
            throw ApiException.invalidCombination("Cannot find version " + r.engineVersion() + " for " + engine.id()
                    + " (offered: " + engine.version() + ").");
        }
        NodeType type = NodeType.parse(r.cacheNodeType() == null ? NodeType.SMALL.id() : r.cacheNodeType());
        if (type == null) {
            throw ApiException.invalidValue("Invalid CacheNodeType '" + r.cacheNodeType() + "': expected one of "
                    + NodeType.ids() + ".");
        }
        int num = r.numCacheNodes() == null ? 1 : r.numCacheNodes();
        checkNodeCount(engine, num);
        if (r.authToken() != null) {
            if (engine != Engine.REDIS) {
                throw ApiException.invalidCombination("AuthToken is only supported by the redis engine.");
            }
            Ids.authToken(r.authToken());
        }
        String group = r.cacheParameterGroupName() == null ? engine.defaultParameterGroup() : r.cacheParameterGroupName();
        if (!group.equals(engine.defaultParameterGroup())) {
            throw ApiException.parameterGroupNotFound(group);
        }
        int port = r.port() == null ? 0 : r.port();
        if (r.port() != null && (port < 1 || port > 65535)) {
            throw ApiException.invalidValue("Invalid Port " + port + ": it must be between 1 and 65535.");
        }
        synchronized (lock) {
            if (store.cluster(id).isPresent()) {
                throw ApiException.clusterExists(id);
            }
            Set<Integer> taken = takenPorts();
            if (port != 0 && (taken.contains(port) || !PortAllocator.isFree(port))) {
                throw ApiException.invalidValue("Port " + port + " is in use.");
            }
            long now = clock.millis();
            List<CacheNode> nodes = new ArrayList<>(num);
            for (int i = 1; i <= num; i++) {
                int p = i == 1 && port != 0 ? port : ports.allocate(taken);
                if (p == 0) {
                    throw ApiException.insufficientCapacity("No free node port left in " + ports.low() + "-"
                            + ports.high() + " for " + num + " nodes.");
                }
                taken.add(p);
                nodes.add(new CacheNode(id, CacheNode.nodeId(i), NodeStatus.CREATING, p, 0, now));
            }
            CacheCluster c = new CacheCluster(id, engine, engine.version(), type, num, null, ClusterStatus.CREATING,
                    r.authToken(), group, port, now);
            store.inTransaction(() -> {
                store.insertCluster(c);
                nodes.forEach(store::upsertNode);
            });
            return c;
        }
    }

    public CacheCluster modify(String rawId, ModifyRequest r) {
        String id = Ids.cacheClusterId(rawId);
        synchronized (lock) {
            CacheCluster c = existing(id);
            if (r.numCacheNodes() == null) {
                if (r.cacheNodeIdsToRemove() != null && !r.cacheNodeIdsToRemove().isEmpty()) {
                    throw ApiException.invalidCombination("CacheNodeIdsToRemove requires NumCacheNodes.");
                }
                throw ApiException.invalidCombination("No modifications were requested.");
            }
            requireAvailable(c);
            int to = r.numCacheNodes();
            checkNodeCount(c.engine(), to);
            int from = c.numCacheNodes();
            if (to == from) {
                throw ApiException.invalidCombination("No modifications were requested: the cluster already has "
                        + from + " nodes.");
            }
            List<CacheNode> nodes = store.nodes(id);
            List<CacheNode> changed = new ArrayList<>();
            if (to > from) {
                if (r.cacheNodeIdsToRemove() != null && !r.cacheNodeIdsToRemove().isEmpty()) {
                    throw ApiException.invalidCombination("CacheNodeIdsToRemove cannot be given when adding nodes.");
                }
                Set<Integer> taken = takenPorts();
                int next = nodes.stream().mapToInt(n -> Integer.parseInt(n.nodeId())).max().orElse(0) + 1;
                long now = clock.millis();
                for (int i = 0; i < to - from; i++) {
                    int p = ports.allocate(taken);
                    if (p == 0) {
                        throw ApiException.insufficientCapacity("No free node port left in " + ports.low() + "-"
                                + ports.high() + " for " + (to - from) + " more nodes.");
                    }
                    taken.add(p);
                    changed.add(new CacheNode(id, CacheNode.nodeId(next + i), NodeStatus.CREATING, p, 0, now));
                }
            } else {
                List<String> remove = r.cacheNodeIdsToRemove();
                if (remove == null || remove.isEmpty()) {
                    remove = nodes.subList(to, nodes.size()).stream().map(CacheNode::nodeId).toList();
                }
                if (remove.size() != from - to || new HashSet<>(remove).size() != remove.size()) {
                    throw ApiException.invalidValue("CacheNodeIdsToRemove must name exactly " + (from - to)
                            + " distinct nodes to go from " + from + " to " + to + " nodes.");
                }
                for (String nodeId : remove) {
                    CacheNode n = nodes.stream().filter(x -> x.nodeId().equals(nodeId)).findFirst()
                            .orElseThrow(() -> ApiException.invalidValue("Cache node " + nodeId + " does not exist in "
                                    + id + "."));
                    changed.add(n.withStatus(NodeStatus.DELETING));
                }
            }
            CacheCluster m = c.withNodes(from, to).withStatus(ClusterStatus.MODIFYING);
            store.inTransaction(() -> {
                store.updateCluster(m);
                changed.forEach(store::upsertNode);
            });
            return m;
        }
    }

    public CacheCluster reboot(String rawId, List<String> nodeIds) {
        String id = Ids.cacheClusterId(rawId);
        synchronized (lock) {
            CacheCluster c = existing(id);
            requireAvailable(c);
            List<CacheNode> nodes = store.nodes(id);
            List<CacheNode> chosen = new ArrayList<>();
            if (nodeIds == null || nodeIds.isEmpty()) {
                throw ApiException.missing("CacheNodeIdsToReboot");
            }
            for (String nodeId : new java.util.LinkedHashSet<>(nodeIds)) {
                chosen.add(nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
                        .orElseThrow(() -> ApiException.invalidValue("Cache node " + nodeId + " does not exist in "
                                + id + ".")));
            }
            CacheCluster m = c.withStatus(ClusterStatus.REBOOTING);
            store.inTransaction(() -> {
                store.updateCluster(m);
                chosen.forEach(n -> store.upsertNode(n.withStatus(NodeStatus.REBOOTING)));
            });
            return m;
        }
    }

    public CacheCluster delete(String rawId) {
        String id = Ids.cacheClusterId(rawId);
        synchronized (lock) {
            CacheCluster c = existing(id);
            requireAvailable(c);
            CacheCluster m = c.withStatus(ClusterStatus.DELETING);
            store.updateCluster(m);
            return m;
        }
    }

    public List<CacheCluster> describe(String rawId) {
        if (rawId == null) {
            return store.clusters();
        }
        return List.of(existing(Ids.cacheClusterId(rawId)));
    }

    public List<CacheNode> nodes(String id) {
        return store.nodes(id);
    }

    private CacheCluster existing(String id) {
        return store.cluster(id).orElseThrow(() -> ApiException.clusterNotFound(id));
    }

    private static void requireAvailable(CacheCluster c) {
        if (!c.status().equals(ClusterStatus.AVAILABLE)) {
            throw ApiException.invalidState(c.id(), c.status());
        }
    }

    private static void checkNodeCount(Engine engine, int num) {
        if (engine == Engine.REDIS && num != 1) {
            throw ApiException.invalidValue("NumCacheNodes must be 1 for the redis engine (got " + num + ").");
        }
        if (num < 1 || num > MAX_MEMCACHED_NODES) {
            throw ApiException.invalidValue("NumCacheNodes must be between 1 and " + MAX_MEMCACHED_NODES
                    + " (got " + num + ").");
        }
    }

    private Set<Integer> takenPorts() {
        Set<Integer> taken = new HashSet<>();
        store.allNodes().forEach(n -> taken.add(n.port()));
        return taken;
    }
}
