package io.larder.control.provision;

import java.io.IOException;

/**
 * Runs nodes. The local implementation starts OS processes on this machine; remote hosts and Kubernetes can follow
 * behind the same calls. Every call is idempotent enough to be retried after a control-plane crash.
 */
public interface Provisioner {
    /** The address clients use to reach this provisioner's nodes. */
    String address();

    /** Starts the node (same port, same data directory as before, if it ran before); returns its process id. */
    long start(NodeSpec spec) throws IOException;

    /**
     * Finds the node's running process: the recorded one if it is still this node, else any process running this
     * node's command (one started just before a crash, whose id never reached the store). 0 when none runs.
     */
    long find(NodeSpec spec, long recordedPid);

    /** Whether the recorded process still runs this node. */
    boolean alive(NodeSpec spec, long pid);

    /** Stops the node's process (gracefully, then forcibly) and waits until it is gone. */
    void stop(NodeSpec spec, long pid);

    /** Where to read the node's output (for events that point there). */
    String logLocation(NodeSpec spec);

    /** Removes everything the node kept on disk. */
    void removeData(NodeSpec spec) throws IOException;

    /** Removes the cluster's directory once its nodes are gone. */
    void removeClusterData(String clusterId) throws IOException;
}
