package io.larder.control.provision;

import io.larder.control.model.ClusterSecurity;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;

import java.util.Map;

/**
 * What a provisioner needs to run one node.
 *
 * @param parameters the node's parameter values (its group's, every parameter of the family), used when it starts;
 *                   empty for specs that only find or stop a node
 * @param security   TLS and token users of the node's cluster
 */
public record NodeSpec(String clusterId, String nodeId, Engine engine, NodeType nodeType, int port, String authToken,
                       Map<String, String> parameters, ClusterSecurity security) {

    public NodeSpec {
        parameters = Map.copyOf(parameters);
        security = security == null ? ClusterSecurity.NONE : security;
    }

    public NodeSpec(String clusterId, String nodeId, Engine engine, NodeType nodeType, int port, String authToken) {
        this(clusterId, nodeId, engine, nodeType, port, authToken, Map.of(), ClusterSecurity.NONE);
    }

    public NodeSpec withParameters(Map<String, String> values) {
        return new NodeSpec(clusterId, nodeId, engine, nodeType, port, authToken, values, security);
    }

    public String name() {
        return clusterId + "/" + nodeId;
    }
}
