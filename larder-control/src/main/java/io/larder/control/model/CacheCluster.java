package io.larder.control.model;

/**
 * A cache cluster as the store keeps it.
 *
 * @param numCacheNodes        the node count the cluster has settled on
 * @param pendingNumCacheNodes the count a modification is moving to, or null
 * @param port                 the port asked for at creation (first node), or 0 to take one from the range
 * @param authToken            the Redis password, or null
 * @param security             in-transit encryption and token users, fixed at creation
 */
public record CacheCluster(String id, Engine engine, String engineVersion, NodeType nodeType, int numCacheNodes,
                           Integer pendingNumCacheNodes, String status, String authToken, String parameterGroup,
                           int port, long createTime, ClusterSecurity security) {

    public CacheCluster {
        security = security == null ? ClusterSecurity.NONE : security;
    }

    /** A cluster without TLS or token users. */
    public CacheCluster(String id, Engine engine, String engineVersion, NodeType nodeType, int numCacheNodes,
                        Integer pendingNumCacheNodes, String status, String authToken, String parameterGroup,
                        int port, long createTime) {
        this(id, engine, engineVersion, nodeType, numCacheNodes, pendingNumCacheNodes, status, authToken,
                parameterGroup, port, createTime, ClusterSecurity.NONE);
    }

    public int targetNodes() {
        return pendingNumCacheNodes != null ? pendingNumCacheNodes : numCacheNodes;
    }

    public CacheCluster withStatus(String s) {
        return new CacheCluster(id, engine, engineVersion, nodeType, numCacheNodes, pendingNumCacheNodes, s, authToken,
                parameterGroup, port, createTime, security);
    }

    public CacheCluster withNodes(int num, Integer pending) {
        return new CacheCluster(id, engine, engineVersion, nodeType, num, pending, status, authToken, parameterGroup,
                port, createTime, security);
    }

    public CacheCluster withParameterGroup(String group) {
        return new CacheCluster(id, engine, engineVersion, nodeType, numCacheNodes, pendingNumCacheNodes, status, authToken,
                group, port, createTime, security);
    }
}
