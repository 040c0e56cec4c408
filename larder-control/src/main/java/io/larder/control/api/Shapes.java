package io.larder.control.api;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.Parameter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders resources in ElastiCache's shapes and field names (as the AWS CLI prints them in JSON). */
public final class Shapes {
    private Shapes() {
    }

    public static Map<String, Object> cacheCluster(CacheCluster c, List<CacheNode> nodes, String address,
                                                   boolean showNodes) {
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
        Map<String, Object> pending = new LinkedHashMap<>();
        if (c.pendingNumCacheNodes() != null) {
            pending.put("NumCacheNodes", c.pendingNumCacheNodes());
            List<String> removing = nodes.stream().filter(n -> n.status().equals("deleting")).map(CacheNode::nodeId).toList();
            if (!removing.isEmpty()) {
                pending.put("CacheNodeIdsToRemove", removing);
            }
        }
        m.put("PendingModifiedValues", pending);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("CacheParameterGroupName", c.parameterGroup());
        group.put("ParameterApplyStatus", "in-sync");
        group.put("CacheNodeIdsToReboot", List.of());
        m.put("CacheParameterGroup", group);
        if (showNodes) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (CacheNode n : nodes) {
                Map<String, Object> nm = new LinkedHashMap<>();
                nm.put("CacheNodeId", n.nodeId());
                nm.put("CacheNodeStatus", NodeStatus.shown(n.status()));
                nm.put("CacheNodeCreateTime", time(n.createTime()));
                nm.put("Endpoint", endpoint(address, n.port()));
                nm.put("ParameterGroupStatus", "in-sync");
                nm.put("CustomerAvailabilityZone", "local");
                list.add(nm);
            }
            m.put("CacheNodes", list);
        }
        m.put("AutoMinorVersionUpgrade", false);
        m.put("AuthTokenEnabled", c.authToken() != null);
        m.put("TransitEncryptionEnabled", false);
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

    public static Map<String, Object> parameterGroup(Engine e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CacheParameterGroupName", e.defaultParameterGroup());
        m.put("CacheParameterGroupFamily", e.parameterGroupFamily());
        m.put("Description", "Default parameter group for " + e.parameterGroupFamily());
        m.put("IsGlobal", false);
        m.put("ARN", "arn:larder:elasticache:local:parametergroup:" + e.defaultParameterGroup());
        return m;
    }

    public static Map<String, Object> parameter(Parameter p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ParameterName", p.name());
        m.put("ParameterValue", p.value());
        m.put("Description", p.description());
        m.put("Source", "system");
        m.put("DataType", p.dataType());
        if (p.allowedValues() != null) {
            m.put("AllowedValues", p.allowedValues());
        }
        m.put("IsModifiable", p.modifiable());
        m.put("MinimumEngineVersion", "7.0.0");
        m.put("ChangeType", p.changeType());
        return m;
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
