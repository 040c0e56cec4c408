package io.larder.control.model;

/**
 * One node of a cluster as the store keeps it.
 *
 * @param pid the process last known to run it, or 0
 */
public record CacheNode(String clusterId, String nodeId, String status, int port, long pid, long createTime) {

    public CacheNode withStatus(String s) {
        return new CacheNode(clusterId, nodeId, s, port, pid, createTime);
    }

    public CacheNode withPid(long p) {
        return new CacheNode(clusterId, nodeId, status, port, p, createTime);
    }

    /** ElastiCache numbers nodes 0001, 0002, ... */
    public static String nodeId(int n) {
        return String.format("%04d", n);
    }
}
