package io.larder.control;

import io.larder.control.api.query.SigV4;
import io.larder.control.provision.PortAllocator;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;

/**
 * How a control plane runs.
 *
 * @param metricsIntervalMillis how often every node's INFO / stats is read for the metrics
 * @param larderCommand    runs {@code larder} (the JVM, its options, class path and main class) for Redis nodes
 * @param memcachedCommand runs memcached nodes; equal to {@code larderCommand} for {@code larder memcached}
 * @param storeUrl         a PostgreSQL JDBC URL for the state, or null for the embedded SQLite file
 * @param awsCredentials   the key the AWS Query protocol's SigV4 signatures must be made with, or null to accept any
 * @param nodeJvmOptions   the JVM options (heap, collector) of a Larder node with this maxmemory in bytes
 */
public record ControlPlaneConfig(Path dataDir, String apiHost, int apiPort, PortAllocator nodePorts,
                                 boolean defaultCache, long healthIntervalMillis, long metricsIntervalMillis,
                                 List<String> larderCommand,
                                 List<String> memcachedCommand, String storeUrl, SigV4.Credentials awsCredentials,
                                 LongFunction<List<String>> nodeJvmOptions) {
    public static final int DEFAULT_API_PORT = 7380;
    public static final String DEFAULT_NODE_PORTS = "7400-7499";
    public static final int DEFAULT_CACHE_PORT = 6379;

    public Path stateFile() {
        return dataDir.resolve("state.db");
    }

    public Path nodesDir() {
        return dataDir.resolve("nodes");
    }

    /** Where a running control plane records its pid and API port, for {@code larder down}. */
    public static Path runFile(Path dataDir) {
        return dataDir.resolve("control.json");
    }
}
