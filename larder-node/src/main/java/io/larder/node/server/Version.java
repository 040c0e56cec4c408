package io.larder.node.server;

/** Versions the node reports. Clients read redis_version to decide which commands they may send. */
public final class Version {
    /** The Redis release whose behaviour Larder implements. */
    public static final String REDIS = "7.2.4";
    public static final String LARDER = "0.1.0";

    private Version() {
    }
}
