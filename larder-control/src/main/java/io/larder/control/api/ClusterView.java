package io.larder.control.api;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.service.ClusterService;
import io.larder.control.service.ParameterSync;
import io.larder.control.store.Store;

import java.util.List;
import java.util.Map;

/** A cache cluster as the APIs show it: its nodes, parameter apply status and pending modifications gathered. */
public final class ClusterView {
    private final ClusterService clusters;
    private final ParameterSync parameterSync;
    private final String nodeAddress;

    public ClusterView(ClusterService clusters, Store store, String nodeAddress) {
        this.clusters = clusters;
        this.parameterSync = new ParameterSync(store);
        this.nodeAddress = nodeAddress;
    }

    public Map<String, Object> render(CacheCluster c, boolean showNodes) {
        List<CacheNode> nodes = clusters.nodes(c.id());
        return Shapes.cacheCluster(c, nodes, nodeAddress, showNodes, parameterSync.state(c, nodes),
                clusters.pending(c.id()).orElse(null));
    }
}
