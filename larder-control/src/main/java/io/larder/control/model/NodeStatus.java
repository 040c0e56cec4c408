package io.larder.control.model;

/** ElastiCache's CacheNodeStatus values the control plane uses. */
public final class NodeStatus {
    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String REBOOTING = "rebooting";
    public static final String DELETING = "deleting";
    /**
     * Internal: the supervisor has restarted the node (reboot or recovery) and waits for it to answer. Shown as
     * {@code rebooting}; kept apart from a requested reboot so a control-plane restart does not reboot it twice.
     */
    public static final String RESTARTING = "restarting";

    /** The CacheNodeStatus the API shows for a stored status. */
    public static String shown(String status) {
        return status.equals(RESTARTING) ? REBOOTING : status;
    }

    private NodeStatus() {
    }
}
