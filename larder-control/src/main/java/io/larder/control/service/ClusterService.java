package io.larder.control.service;

import io.larder.control.api.ApiException;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterSecurity;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.Engine;
import io.larder.control.model.Ids;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.NodeType;
import io.larder.control.model.PendingModifications;
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
                                Integer numCacheNodes, String authToken, Integer port, String cacheParameterGroupName,
                                Boolean transitEncryptionEnabled, List<String> tokenAuthUsers) {
        /** A request for a cluster without TLS or token users. */
        public CreateRequest(String cacheClusterId, String engine, String engineVersion, String cacheNodeType,
                             Integer numCacheNodes, String authToken, Integer port, String cacheParameterGroupName) {
            this(cacheClusterId, engine, engineVersion, cacheNodeType, numCacheNodes, authToken, port,
                    cacheParameterGroupName, null, null);
        }
    }

    /**
     * @param applyImmediately true: carried out now, with any modifications that waited; otherwise (ElastiCache's
     *                         default) held in PendingModifiedValues until the next reboot
     */
    public record ModifyRequest(Integer numCacheNodes, List<String> cacheNodeIdsToRemove, Boolean applyImmediately,
                                String cacheParameterGroupName) {
        public ModifyRequest(Integer numCacheNodes, List<String> cacheNodeIdsToRemove, Boolean applyImmediately) {
            this(numCacheNodes, cacheNodeIdsToRemove, applyImmediately, null);
        }
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
        ClusterSecurity security = security(engine, r);
        int port = r.port() == null ? 0 : r.port();
        if (r.port() != null && (port < 1 || port > 65535)) {
            throw ApiException.invalidValue("Invalid Port " + port + ": it must be between 1 and 65535.");
        }
        synchronized (lock) {
            String group = r.cacheParameterGroupName() == null ? engine.defaultParameterGroup()
                    : ParameterGroupService.forEngine(store, r.cacheParameterGroupName(), engine).name();
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
                    r.authToken(), group, port, now, security);
            store.inTransaction(() -> {
                store.insertCluster(c);
                nodes.forEach(store::upsertNode);
            });
            return c;
        }
    }

    private static ClusterSecurity security(Engine engine, CreateRequest r) {
        boolean tls = Boolean.TRUE.equals(r.transitEncryptionEnabled());
        List<String> users = r.tokenAuthUsers() == null ? List.of() : r.tokenAuthUsers();
        if (engine != Engine.REDIS && tls) {
            throw ApiException.invalidCombination("TransitEncryptionEnabled is only supported by the redis engine.");
        }
        if (engine != Engine.REDIS && !users.isEmpty()) {
            throw ApiException.invalidCombination("TokenAuthUsers is only supported by the redis engine.");
        }
        if (new HashSet<>(users).size() != users.size()) {
            throw ApiException.invalidValue("TokenAuthUsers lists a user twice.");
        }
        for (String u : users) {
            Ids.tokenUser(u);
        }
        return new ClusterSecurity(tls, users);
    }

    public CacheCluster modify(String rawId, ModifyRequest r) {
        String id = Ids.cacheClusterId(rawId);
        boolean removeGiven = r.cacheNodeIdsToRemove() != null && !r.cacheNodeIdsToRemove().isEmpty();
        if (r.numCacheNodes() == null && removeGiven) {
            throw ApiException.invalidCombination("CacheNodeIdsToRemove requires NumCacheNodes.");
        }
        if (r.numCacheNodes() == null && r.cacheParameterGroupName() == null) {
            throw ApiException.invalidCombination("No modifications were requested.");
        }
        synchronized (lock) {
            CacheCluster c = existing(id);
            requireAvailable(c);
            String group = r.cacheParameterGroupName() == null ? null
                    : ParameterGroupService.forEngine(store, r.cacheParameterGroupName(), c.engine()).name();
            Integer to = r.numCacheNodes();
            if (to != null) {
                checkNodeCount(c.engine(), to);
                if (to == c.numCacheNodes() && group == null) {
                    throw ApiException.invalidCombination("No modifications were requested: the cluster already has "
                            + to + " nodes.");
                }
                // Refuses what could not be carried out, now rather than at the reboot.
                nodeChanges(c, to, r.cacheNodeIdsToRemove());
            }
            PendingModifications asked = new PendingModifications(group,
                    to != null && to != c.numCacheNodes() ? to : null, r.cacheNodeIdsToRemove());
            PendingModifications all = store.pendingModifications(id).map(p -> p.merge(asked)).orElse(asked);
            if (!Boolean.TRUE.equals(r.applyImmediately())) {
                store.setPendingModifications(id, all);
                return c;
            }
            return carryOut(c, all, ClusterStatus.MODIFYING, List.of());
        }
    }

    /**
     * Records the modifications {@code m} (a parameter group switch, a node count change) with the cluster's new
     * status and the nodes to reboot, clearing what waited: one transaction.
     */
    private CacheCluster carryOut(CacheCluster c, PendingModifications m, String status, List<CacheNode> reboot) {
        CacheCluster next = c;
        if (m.cacheParameterGroupName() != null) {
            next = next.withParameterGroup(m.cacheParameterGroupName());
        }
        List<CacheNode> changed = List.of();
        if (m.numCacheNodes() != null && m.numCacheNodes() != c.numCacheNodes()) {
            changed = nodeChanges(c, m.numCacheNodes(), m.cacheNodeIdsToRemove());
            next = next.withNodes(c.numCacheNodes(), m.numCacheNodes());
        }
        CacheCluster result = next.withStatus(status);
        Set<String> touched = new HashSet<>();
        changed.forEach(n -> touched.add(n.nodeId()));
        List<CacheNode> nodeWrites = new ArrayList<>(changed);
        reboot.stream().filter(n -> !touched.contains(n.nodeId()))
                .forEach(n -> nodeWrites.add(n.withStatus(NodeStatus.REBOOTING)));
        store.inTransaction(() -> {
            store.updateCluster(result);
            nodeWrites.forEach(store::upsertNode);
            store.setPendingModifications(c.id(), null);
        });
        return result;
    }

    /** The node rows that take the cluster from its node count to {@code to}: new ones, or ones to delete. */
    private List<CacheNode> nodeChanges(CacheCluster c, int to, List<String> cacheNodeIdsToRemove) {
        String id = c.id();
        int from = c.numCacheNodes();
        List<CacheNode> nodes = store.nodes(id);
        List<CacheNode> changed = new ArrayList<>();
        if (to > from) {
            if (cacheNodeIdsToRemove != null && !cacheNodeIdsToRemove.isEmpty()) {
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
            List<String> remove = cacheNodeIdsToRemove;
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
        return changed;
    }

    /** Restarts the nodes; modifications that waited for a reboot (ApplyImmediately=false) are carried out with it. */
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
            PendingModifications pending = store.pendingModifications(id)
                    .orElse(new PendingModifications(null, null, null));
            return carryOut(c, pending, ClusterStatus.REBOOTING, chosen);
        }
    }

    /** Modifications of the cluster that wait for its next reboot. */
    public java.util.Optional<PendingModifications> pending(String id) {
        return store.pendingModifications(id);
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
