package io.larder.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.control.api.ApiServer;
import io.larder.control.provision.PortAllocator;
import io.larder.control.store.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A control plane on PostgreSQL, with the system's memcached as its node program (the {@code up --memcached-command}
 * case): a cluster created through the API runs, and a second control plane on the same database finds the
 * cluster, its events and its running nodes (the same processes) after the first one stopped.
 */
class PostgresControlPlaneTest {
    private static final Path MEMCACHED = Path.of("/usr/bin/memcached");

    @TempDir
    Path dataDir;

    @Test
    void theStateLivesInPostgresAndASecondControlPlaneAdoptsTheNodes() throws Exception {
        assertThat(MEMCACHED).as("memcached is installed (.ci/run installs it)").isExecutable();
        try (PostgresServer postgres = PostgresServer.start(); HttpClient http = HttpClient.newHttpClient()) {
            String url = postgres.newDatabase();
            ControlPlaneConfig config = new ControlPlaneConfig(dataDir, "127.0.0.1", 0, new PortAllocator(24200, 24219),
                    false, 200, 60_000, List.of("/bin/false"), List.of(MEMCACHED.toString()), url, null,
                    maxmemory -> List.of()); // no Larder node here: memcached binaries take no JVM options
            List<Long> pids;
            try (ControlPlane first = new ControlPlane(config)) {
                Api api = new Api(http, first.start());
                JsonNode created = api.call("POST", "/v1/cache-clusters",
                        "{\"CacheClusterId\": \"pg\", \"Engine\": \"memcached\", \"NumCacheNodes\": 2, \"CacheNodeType\": \"cache.micro\"}");
                assertThat(created.path("CacheCluster").path("CacheClusterStatus").asText()).isEqualTo("creating");
                waitFor("available", () -> api.call("GET", "/v1/cache-clusters/pg", null).path("CacheCluster")
                        .path("CacheClusterStatus").asText().equals("available"));
                pids = nodePids();
                assertThat(pids).hasSize(2);
            }
            assertThat(Files.exists(dataDir.resolve("state.db"))).as("no SQLite file").isFalse();
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid)).as("nodes outlive the control plane").hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
            }

            try (ControlPlane second = new ControlPlane(config)) {
                Api api = new Api(http, second.start());
                JsonNode cluster = api.call("GET", "/v1/cache-clusters/pg?ShowCacheNodeInfo=true", null).path("CacheCluster");
                assertThat(cluster.path("CacheClusterStatus").asText()).isEqualTo("available");
                assertThat(cluster.path("CacheNodes").size()).isEqualTo(2);
                assertThat(api.call("GET", "/v1/events?SourceIdentifier=pg", null).toString()).contains("Cache cluster created");
                Thread.sleep(1000);
                assertThat(nodePids()).as("the same processes, adopted").isEqualTo(pids);

                api.call("DELETE", "/v1/cache-clusters/pg", null);
                waitFor("deleted", () -> api.status("GET", "/v1/cache-clusters/pg") == 404);
            }
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node %d stopped", pid).isFalse();
            }
        } finally {
            // A failed run must not leave memcached processes behind: they run in this test's node directories.
            try (var all = ProcessHandle.allProcesses()) {
                all.filter(h -> cwd(h).startsWith(dataDir)).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** The pids of the memcached processes running in this data directory's node directories, in node order. */
    private List<Long> nodePids() {
        try (var all = ProcessHandle.allProcesses()) {
            return all.filter(h -> cwd(h).startsWith(dataDir.resolve("nodes")))
                    .sorted(java.util.Comparator.comparing(this::cwd)).map(ProcessHandle::pid).toList();
        }
    }

    private Path cwd(ProcessHandle h) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd"));
        } catch (Exception e) {
            return Path.of("/nonexistent");
        }
    }

    private record Api(HttpClient http, int port) {
        JsonNode call(String method, String path, String body) throws Exception {
            HttpResponse<String> r = send(method, path, body);
            assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
            return ApiServer.JSON.readTree(r.body());
        }

        int status(String method, String path) throws Exception {
            return send(method, path, null).statusCode();
        }

        private HttpResponse<String> send(String method, String path, String body) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
