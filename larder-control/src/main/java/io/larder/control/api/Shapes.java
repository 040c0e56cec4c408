package io.larder.control.api;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.Parameter;
import io.larder.control.model.PendingModifications;
import io.larder.control.service.ParameterSync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders resources in ElastiCache's shapes and field names (as the AWS CLI prints them in JSON). */
public final class Shapes {
    private Shapes() {
    }

    /**
     * @param params  the parameter group's apply status on the cluster and its nodes
     * @param pending modifications waiting for the next reboot, or null
     */
    public static Map<String, Object> cacheCluster(CacheCluster c, List<CacheNode> nodes, String address,
                                                   boolean showNodes, ParameterSync.ClusterState params,
                                                   PendingModifications pending) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CacheClusterId", c.id());
        if (c.engine() == Engine.MEMCACHED && !nodes.isEmpty()) {
            // One machine has no DNS name resolving to every node: the first node answers auto discovery for all
            // (the first one staying, once a removal has started, as the discovery list no longer has the others).
            CacheNode first = nodes.stream().filter(n -> !n.status().equals(NodeStatus.DELETING)).findFirst()
                    .orElse(nodes.get(0));
            m.put("ConfigurationEndpoint", endpoint(address, first.port()));
        }
        m.put("CacheNodeType", c.nodeType().id());
        m.put("Engine", c.engine().id());
        m.put("EngineVersion", c.engineVersion());
        m.put("CacheClusterStatus", c.status());
        m.put("NumCacheNodes", c.numCacheNodes());
        m.put("PreferredAvailabilityZone", "local");
        m.put("CacheClusterCreateTime", time(c.createTime()));
        Map<String, Object> pendingValues = new LinkedHashMap<>();
        if (c.pendingNumCacheNodes() != null) {
            pendingValues.put("NumCacheNodes", c.pendingNumCacheNodes());
            List<String> removing = nodes.stream().filter(n -> n.status().equals("deleting")).map(CacheNode::nodeId).toList();
            if (!removing.isEmpty()) {
                pendingValues.put("CacheNodeIdsToRemove", removing);
            }
        } else if (pending != null && pending.numCacheNodes() != null) {
            pendingValues.put("NumCacheNodes", pending.numCacheNodes());
            if (!pending.cacheNodeIdsToRemove().isEmpty()) {
                pendingValues.put("CacheNodeIdsToRemove", pending.cacheNodeIdsToRemove());
            }
        }
        m.put("PendingModifiedValues", pendingValues);
        Map<String, Object> group = new LinkedHashMap<>();
        if (pending != null && pending.cacheParameterGroupName() != null) {
            // A group switch waiting for the reboot: every node must restart to take it.
            group.put("CacheParameterGroupName", pending.cacheParameterGroupName());
            group.put("ParameterApplyStatus", ParameterSync.PENDING_REBOOT);
            group.put("CacheNodeIdsToReboot", nodes.stream().map(CacheNode::nodeId).toList());
        } else {
            group.put("CacheParameterGroupName", c.parameterGroup());
            group.put("ParameterApplyStatus", params.applyStatus());
            group.put("CacheNodeIdsToReboot", params.nodeIdsToReboot());
        }
        m.put("CacheParameterGroup", group);
        if (showNodes) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (CacheNode n : nodes) {
                Map<String, Object> nm = new LinkedHashMap<>();
                nm.put("CacheNodeId", n.nodeId());
                nm.put("CacheNodeStatus", NodeStatus.shown(n.status()));
                nm.put("CacheNodeCreateTime", time(n.createTime()));
                nm.put("Endpoint", endpoint(address, n.port()));
                nm.put("ParameterGroupStatus", pending != null && pending.cacheParameterGroupName() != null
                        ? ParameterSync.PENDING_REBOOT : params.nodeStatus().getOrDefault(n.nodeId(), ParameterSync.IN_SYNC));
                nm.put("CustomerAvailabilityZone", "local");
                list.add(nm);
            }
            m.put("CacheNodes", list);
        }
        m.put("AutoMinorVersionUpgrade", false);
        m.put("AuthTokenEnabled", c.authToken() != null);
        if (!c.security().tokenUsers().isEmpty()) {
            m.put("TokenAuthUsers", c.security().tokenUsers());
        }
        m.put("TransitEncryptionEnabled", c.security().transitEncryption());
        m.put("AtRestEncryptionEnabled", false);
        m.put("ARN", "arn:larder:elasticache:local:cluster:" + c.id());
        return m;
    }

    public static Map<String, Object> event(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SourceIdentifier", e.sourceIdentifier());
        m.put("SourceType", e.sourceType());
        m.put("Message", e.message());
        m.put("Date", time(e.time()));
        return m;
    }

    public static Map<String, Object> engineVersion(Engine e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Engine", e.id());
        m.put("EngineVersion", e.version());
        m.put("CacheParameterGroupFamily", e.parameterGroupFamily());
        m.put("CacheEngineDescription", e.description());
        m.put("CacheEngineVersionDescription", e.versionDescription());
        return m;
    }

    public static Map<String, Object> parameterGroup(CacheParameterGroup g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CacheParameterGroupName", g.name());
        m.put("CacheParameterGroupFamily", g.engine().parameterGroupFamily());
        m.put("Description", g.description());
        m.put("IsGlobal", false);
        m.put("ARN", "arn:larder:elasticache:local:parametergroup:" + g.name());
        return m;
    }

    public static Map<String, Object> parameter(Parameter p, Engine engine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ParameterName", p.name());
        m.put("ParameterValue", p.value());
        m.put("Description", p.description());
        m.put("Source", p.source());
        m.put("DataType", p.dataType());
        if (p.allowedValues() != null) {
            m.put("AllowedValues", p.allowedValues());
        }
        m.put("IsModifiable", p.modifiable());
        m.put("MinimumEngineVersion", engine == Engine.REDIS ? "7.0.0" : "1.6.6");
        m.put("ChangeType", p.changeType());
        return m;
    }

    public static List<Object> parameters(List<Parameter> parameters, Engine engine) {
        List<Object> out = new ArrayList<>(parameters.size());
        parameters.forEach(p -> out.add(parameter(p, engine)));
        return out;
    }

    public static Map<String, Object> error(ApiException e) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("Type", e.httpStatus() >= 500 ? "Receiver" : "Sender");
        err.put("Code", e.code());
        err.put("Message", e.getMessage());
        return Map.of("Error", err);
    }

    private static Map<String, Object> endpoint(String address, int port) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Address", address);
        m.put("Port", port);
        return m;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
