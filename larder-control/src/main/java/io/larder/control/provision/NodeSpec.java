package io.larder.control.provision;

import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;

/** What a provisioner needs to run one node. */
public record NodeSpec(String clusterId, String nodeId, Engine engine, NodeType nodeType, int port, String authToken) {

    public String name() {
        return clusterId + "/" + nodeId;
    }
}
