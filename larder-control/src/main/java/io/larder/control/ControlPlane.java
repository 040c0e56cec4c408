package io.larder.control;

import io.larder.control.api.ApiException;
import io.larder.control.api.ApiServer;
import io.larder.control.discovery.DiscoveryPublisher;
import io.larder.control.events.EventLog;
import io.larder.control.health.NodeProbe;
import io.larder.control.health.Supervisor;
import io.larder.control.metrics.MetricsScraper;
import io.larder.control.metrics.NodeStats;
import io.larder.control.provision.LocalProcessProvisioner;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ClusterService;
import io.larder.control.store.JdbcStore;
import io.larder.control.service.ParameterGroupService;
import io.larder.control.store.Store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** One control plane: state store, API, provisioner and supervisor, wired and started together. */
public final class ControlPlane implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());
    private static final String INITIALIZED = "initialized";
    private static final String DISCOVERY_TOKEN = "discovery-token";
    private final ControlPlaneConfig config;
    private final Store store;
    private final Supervisor supervisor;
    private final ApiServer api;
    private final ClusterService clusters;
    private final MetricsScraper metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final FileChannel lockChannel;
    private final FileLock dataDirLock;
    private int apiPort;

    public ControlPlane(ControlPlaneConfig config) throws IOException {
        this.config = config;
        Files.createDirectories(config.nodesDir());
        // Two control planes on one data directory would both start every node: the second one refuses.
        lockChannel = FileChannel.open(config.dataDir().resolve("control.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        dataDirLock = lockChannel.tryLock();
        if (dataDirLock == null) {
            lockChannel.close();
            throw new IllegalStateException("another control plane is running on " + config.dataDir());
        }
        Clock clock = Clock.systemUTC();
        Object lock = new Object();
        store = config.storeUrl() == null ? JdbcStore.sqlite(config.stateFile()) : JdbcStore.postgres(config.storeUrl());
        EventLog events = new EventLog(store, clock);
        String discoveryToken = discoveryToken(store);
        NodeSecurity security = new NodeSecurity(config.dataDir().resolve("security"));
        LocalProcessProvisioner provisioner = new LocalProcessProvisioner(config.nodesDir(), config.larderCommand(),
                config.memcachedCommand(), discoveryToken, config.nodeJvmOptions(), security);
        clusters = new ClusterService(store, lock, config.nodePorts(), clock);
        DiscoveryPublisher discovery = provisioner.servesDiscovery()
                ? new DiscoveryPublisher(store, provisioner.address(), discoveryToken, 300) : null;
        supervisor = new Supervisor(store, lock, provisioner, new NodeProbe(300, security), events, clock, discovery);
        metrics = new MetricsScraper(store, new NodeStats(1000, security), provisioner.address(), clock);
        api = new ApiServer(clusters, new ParameterGroupService(store, lock, events), store, provisioner.address(), clock, metrics::prometheusText, () -> stop(false),
                () -> stop(true), config.awsCredentials(), security);
    }

    /** The secret memcached nodes accept discovery lists with: made once, kept in the store for adopted nodes. */
    private static String discoveryToken(Store store) {
        return store.meta(DISCOVERY_TOKEN).orElseGet(() -> {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String token = HexFormat.of().formatHex(secret);
            store.putMeta(DISCOVERY_TOKEN, token);
            return token;
        });
    }

    public int start() throws IOException {
        if (store.meta(INITIALIZED).isEmpty()) {
            store.putMeta(INITIALIZED, java.time.Instant.now().toString());
            if (config.defaultCache()) {
                createDefaultCache();
            }
        }
        supervisor.start(config.healthIntervalMillis());
        metrics.start(config.metricsIntervalMillis());
        apiPort = api.start(config.apiHost(), config.apiPort());
        Path run = ControlPlaneConfig.runFile(config.dataDir());
        Files.writeString(run, ApiServer.JSON.writeValueAsString(Map.of("Pid", ProcessHandle.current().pid(),
                "ApiHost", config.apiHost(), "ApiPort", apiPort)));
        return apiPort;
    }

    private void createDefaultCache() {
        try {
            clusters.create(new ClusterService.CreateRequest("default", "redis", null, "cache.small", 1, null,
                    ControlPlaneConfig.DEFAULT_CACHE_PORT, null));
        } catch (ApiException e) {
            LOG.log(System.Logger.Level.WARNING, "the default cache was not created: " + e.getMessage());
        }
    }

    public int apiPort() {
        return apiPort;
    }

    /** Blocks until {@link #stop} ran. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public synchronized void stop(boolean stopNodes) {
        if (stopped.getCount() == 0) {
            return;
        }
        api.close();
        metrics.close();
        supervisor.close();
        if (stopNodes) {
            supervisor.stopAllNodes();
        }
        store.close();
        try {
            Files.deleteIfExists(ControlPlaneConfig.runFile(config.dataDir()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove " + ControlPlaneConfig.runFile(config.dataDir()), e);
        }
        try {
            dataDirLock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release the data directory lock", e);
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        stop(false);
    }
}
