package io.larder.control.model;

/** ElastiCache's CacheClusterStatus values the control plane uses. */
public final class ClusterStatus {
    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String MODIFYING = "modifying";
    public static final String REBOOTING = "rebooting cache cluster nodes";
    public static final String DELETING = "deleting";

    private ClusterStatus() {
    }
}
