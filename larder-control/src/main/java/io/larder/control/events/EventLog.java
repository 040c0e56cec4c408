package io.larder.control.events;

import io.larder.control.model.Event;
import io.larder.control.store.Store;

import java.time.Clock;
import java.util.List;

/** Records events with ElastiCache's source type and wording. */
public final class EventLog {
    public static final String CACHE_CLUSTER = "cache-cluster";
    private final Store store;
    private final Clock clock;

    public EventLog(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void cluster(String clusterId, String message) {
        store.addEvent(new Event(clusterId, CACHE_CLUSTER, message, clock.millis()));
    }

    public static String created() {
        return "Cache cluster created";
    }

    public static String deleted() {
        return "Cache cluster deleted";
    }

    public static String nodeAdded(String nodeId) {
        return "Added cache node " + nodeId + " in availability zone local";
    }

    public static String nodesRemoved(String nodeIds) {
        return "Removed cache nodes " + nodeIds;
    }

    public static String modifiedNodes(int from, int to) {
        return "Finished modifying number of nodes from " + from + " to " + to;
    }

    public static String nodeRestarted(String nodeId) {
        return "Cache node " + nodeId + " restarted";
    }

    public static String recovering(String nodeId) {
        return "Recovering cache nodes " + nodeId;
    }

    public static String recovered(String nodeId, long millis) {
        return "Finished recovery for cache nodes " + nodeId + " (" + millis + " ms)";
    }

    public static String startFailed(String nodeId, String why) {
        return "Cache node " + nodeId + " failed to start: " + why;
    }

    public static String parametersApplied(String nodeId, List<String> names) {
        return "Applied parameter changes to cache node " + nodeId + ": " + String.join(", ", names);
    }

    public static String parameterApplyFailed(String nodeId, String name, String why) {
        return "Failed to apply parameter " + name + " to cache node " + nodeId + ": " + why;
    }

    public static String pendingReboot(String group, List<String> names, List<String> nodeIds) {
        return "Parameter changes to " + group + " (" + String.join(", ", names) + ") will be applied at the next "
                + "reboot of cache nodes " + String.join(", ", nodeIds);
    }
}
