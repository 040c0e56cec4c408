package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.control.ControlPlane;
import io.larder.control.ControlPlaneConfig;
import io.larder.control.api.query.SigV4;
import io.larder.control.store.StoreException;
import io.larder.control.provision.PortAllocator;
import io.larder.node.memory.NodeSizing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code larder up}: runs the control plane in the foreground, or in the background with {@code --detach}. */
@Command(name = "up", description = "Start the control plane (API, state store, node supervision).")
public final class Up implements Callable<Integer> {
    @Option(names = "--data-dir", description = "state and node data (default: ~/.larder)")
    Path dataDir = defaultDataDir();

    @Option(names = "--api-port", description = "REST API port (default " + ControlPlaneConfig.DEFAULT_API_PORT + ")")
    int apiPort = ControlPlaneConfig.DEFAULT_API_PORT;

    @Option(names = "--api-host", description = "address the API listens on (default 127.0.0.1)")
    String apiHost = "127.0.0.1";

    @Option(names = "--node-ports", paramLabel = "LOW-HIGH",
            description = "range node ports are taken from (default " + ControlPlaneConfig.DEFAULT_NODE_PORTS + ")")
    String nodePorts = ControlPlaneConfig.DEFAULT_NODE_PORTS;

    @Option(names = "--no-default-cache", description = "do not create the Redis cache 'default' on port 6379")
    boolean noDefaultCache;

    @Option(names = "--health-interval-ms", description = "how often every node is checked (default 1000)")
    long healthIntervalMillis = 1000;

    @Option(names = "--metrics-interval-ms", description = "how often every node's INFO / stats is read (default 10000)")
    long metricsIntervalMillis = 10_000;

    @Option(names = "--memcached-command", paramLabel = "PATH",
            description = "program run for memcached nodes (default: larder memcached)")
    String memcachedCommand;

    @Option(names = "--store-url", paramLabel = "JDBC-URL", defaultValue = "${env:LARDER_STORE_URL}",
            description = "keep the state in PostgreSQL (jdbc:postgresql://HOST:PORT/DB?user=..&password=..; also the "
                    + "LARDER_STORE_URL environment variable) instead of DATA/state.db")
    String storeUrl;

    @Option(names = "--aws-access-key-id", paramLabel = "KEY", defaultValue = "${env:LARDER_AWS_ACCESS_KEY_ID}",
            description = "the access key AWS Query requests (the AWS CLI, SDKs) must be signed with (SigV4); also "
                    + "LARDER_AWS_ACCESS_KEY_ID. Without it any signature is accepted")
    String awsAccessKeyId;

    @Option(names = "--aws-secret-access-key", paramLabel = "SECRET",
            defaultValue = "${env:LARDER_AWS_SECRET_ACCESS_KEY}",
            description = "its secret; better given as LARDER_AWS_SECRET_ACCESS_KEY, out of the process list")
    String awsSecretAccessKey;

    @Option(names = "--detach", description = "run in the background; stop it with larder down")
    boolean detach;

    static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".larder");
    }

    @Override
    public Integer call() throws Exception {
        PortAllocator ports;
        try {
            ports = PortAllocator.parse(nodePorts);
        } catch (IllegalArgumentException e) {
            System.err.println("larder up: " + e.getMessage());
            return 2;
        }
        SigV4.Credentials aws = null;
        if (awsAccessKeyId != null || awsSecretAccessKey != null) {
            if (awsAccessKeyId == null || awsSecretAccessKey == null) {
                System.err.println("larder up: --aws-access-key-id and --aws-secret-access-key go together");
                return 2;
            }
            aws = new SigV4.Credentials(awsAccessKeyId, awsSecretAccessKey);
        }
        dataDir = dataDir.toAbsolutePath();
        Files.createDirectories(dataDir);
        if (detach) {
            return detach();
        }
        List<String> larder = Launcher.larderCommand();
        List<String> memcached = memcachedCommand == null ? larder : List.of(memcachedCommand);
        ControlPlane cp;
        try {
            cp = new ControlPlane(new ControlPlaneConfig(dataDir, apiHost, apiPort, ports, !noDefaultCache,
                    healthIntervalMillis, metricsIntervalMillis, larder, memcached, storeUrl, aws, NodeSizing::jvmOptions));
        } catch (IllegalStateException | IllegalArgumentException | StoreException e) {
            System.err.println("larder up: " + e.getMessage());
            return 1;
        }
        int port = cp.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cp.stop(false), "larder-control-shutdown"));
        System.out.println("Larder control plane listening on http://" + apiHost + ":" + port + " (data in " + dataDir
                + ", node ports " + nodePorts + ")");
        cp.awaitStop();
        return 0;
    }

    /** Starts the same command without --detach in the background and returns once its API answers. */
    private int detach() throws Exception {
        List<String> command = new ArrayList<>(Launcher.larderCommand());
        command.add("up");
        command.addAll(List.of("--data-dir", dataDir.toString(), "--api-port", Integer.toString(apiPort),
                "--api-host", apiHost, "--node-ports", nodePorts,
                "--health-interval-ms", Long.toString(healthIntervalMillis),
                "--metrics-interval-ms", Long.toString(metricsIntervalMillis)));
        if (noDefaultCache) {
            command.add("--no-default-cache");
        }
        if (memcachedCommand != null) {
            command.addAll(List.of("--memcached-command", memcachedCommand));
        }
        Path log = dataDir.resolve("control.log");
        ProcessBuilder builder = new ProcessBuilder(command);
        if (storeUrl != null) {
            // Through the environment: a password in the URL would show in the process list as an argument.
            builder.environment().put("LARDER_STORE_URL", storeUrl);
        }
        if (awsAccessKeyId != null) {
            builder.environment().put("LARDER_AWS_ACCESS_KEY_ID", awsAccessKeyId);
        }
        if (awsSecretAccessKey != null) {
            builder.environment().put("LARDER_AWS_SECRET_ACCESS_KEY", awsSecretAccessKey);
        }
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                System.err.println("larder up: the control plane exited (status " + p.exitValue() + "); see " + log);
                return 1;
            }
            JsonNode run = RunFile.read(dataDir);
            if (run != null && run.path("Pid").asLong() == p.pid()) {
                System.out.println("Larder control plane running in the background (pid " + p.pid() + ") on http://"
                        + apiHost + ":" + run.path("ApiPort").asInt() + "; log " + log);
                return 0;
            }
            Thread.sleep(100);
        }
        System.err.println("larder up: the control plane did not start within 60 s; see " + log);
        p.destroy();
        return 1;
    }
}
