package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.control.provision.PortAllocator;
import net.rubyeye.xmemcached.autodiscovery.CacheNode;
import net.rubyeye.xmemcached.autodiscovery.ClusterConfiguration;
import net.rubyeye.xmemcached.aws.AWSElasticCacheClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code larder up} with real node processes, through the HTTP API. ElastiCache auto discovery: a 3-node
 * memcached cluster, and xmemcached's AWSElasticCacheClient given only the configuration endpoint must find every
 * node and spread keys over all of them; after a modification to 5 nodes the discovery version rises and the client
 * uses all 5. Metrics: CPU and command-type metrics of a Redis node. Node ports come from a free window inside
 * 24100-24999.
 */
class DiscoveryAndMetricsEndToEndTest {
    private static final int WAIT_SECONDS = 180;
    /** How long the client may take to see a new membership: a few of its polls and supervisor ticks. */
    private static final int CLIENT_SEES_SECONDS = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dataDir;
    private static String api;
    private static Process controlPlane;

    @BeforeAll
    static void startControlPlane() throws Exception {
        dataDir = Files.createTempDirectory("larder-discovery-test");
        int apiPort;
        try (ServerSocket s = new ServerSocket(0)) {
            apiPort = s.getLocalPort();
        }
        api = "http://127.0.0.1:" + apiPort;
        int low = freeWindow(24100, 24999, 8);
        List<String> command = new ArrayList<>(Launcher.larderCommand());
        command.addAll(List.of("up", "--data-dir", dataDir.toString(), "--api-port", Integer.toString(apiPort),
                "--node-ports", low + "-" + (low + 7), "--no-default-cache", "--metrics-interval-ms", "1000"));
        controlPlane = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("control.log").toFile())).start();
        waitFor("the control plane answers", WAIT_SECONDS, () -> status("GET", "/v1/cache-engine-versions", null) == 200);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (controlPlane != null) {
            try {
                call("POST", "/v1/admin/shutdown", "{\"StopNodes\": true}");
                controlPlane.waitFor(60, TimeUnit.SECONDS);
            } finally {
                controlPlane.destroyForcibly();
            }
        }
        Path nodes = dataDir.resolve("nodes");
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            // Whatever still runs in this test's node directories (it never should) is killed by its id.
            for (ProcessHandle h : all.filter(h -> cwd(h) != null && cwd(h).startsWith(nodes)).toList()) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theClientFindsEveryNodeThroughTheConfigurationEndpointAndFollowsAModification() throws Exception {
        JsonNode created = call("POST", "/v1/cache-clusters", "{\"CacheClusterId\": \"disc\", \"Engine\": \"memcached\","
                + " \"CacheNodeType\": \"cache.micro\", \"NumCacheNodes\": 3}");
        assertThat(created.path("CacheCluster").path("CacheClusterStatus").asText()).isEqualTo("creating");
        JsonNode cluster = waitAvailable("disc");
        List<Integer> ports = nodePorts(cluster);
        assertThat(ports).hasSize(3).doesNotHaveDuplicates();
        JsonNode endpoint = cluster.path("ConfigurationEndpoint");
        assertThat(endpoint.path("Port").asInt()).isEqualTo(ports.get(0));

        // Every node serves the same list: the three nodes, at one version.
        waitFor("every node lists the 3 nodes", CLIENT_SEES_SECONDS, () -> ports.stream().allMatch(p -> listedPorts(p).equals(ports)));
        long version = discoveryVersion(ports.get(0));
        for (int p : ports) {
            assertThat(discoveryVersion(p)).isEqualTo(version);
        }

        AWSElasticCacheClient client = new AWSElasticCacheClient(
                new InetSocketAddress(endpoint.path("Address").asText(), endpoint.path("Port").asInt()), 500);
        try {
            waitFor("the client sees 3 nodes", CLIENT_SEES_SECONDS, () -> clientPorts(client).equals(ports));
            assertThat((long) client.getCurrentConfig().getVersion()).isEqualTo(version);
            storeAndSpread(client, "three-", ports);

            JsonNode modifying = call("PATCH", "/v1/cache-clusters/disc", "{\"NumCacheNodes\": 5, \"ApplyImmediately\": true}");
            assertThat(modifying.path("CacheCluster").path("PendingModifiedValues").path("NumCacheNodes").asInt()).isEqualTo(5);
            List<Integer> five = nodePorts(waitAvailable("disc"));
            assertThat(five).hasSize(5).startsWith(ports.toArray(Integer[]::new)).doesNotHaveDuplicates();
            waitFor("every node lists the 5 nodes", CLIENT_SEES_SECONDS, () -> five.stream().allMatch(p -> listedPorts(p).equals(five)));
            long grown = discoveryVersion(ports.get(0));
            assertThat(grown).as("the version rose").isGreaterThan(version);

            waitFor("the client sees 5 nodes", CLIENT_SEES_SECONDS, () -> clientPorts(client).equals(five));
            assertThat((long) client.getCurrentConfig().getVersion()).isEqualTo(grown);
            storeAndSpread(client, "five-", five);
        } finally {
            client.shutdown();
        }

        call("DELETE", "/v1/cache-clusters/disc", null);
        waitFor("the cluster is deleted", WAIT_SECONDS, () -> status("GET", "/v1/cache-clusters/disc", null) == 404);
    }

    @Test
    void cpuAndCommandTypeMetricsComeFromTheNodeProcessAndCommandstats() throws Exception {
        call("POST", "/v1/cache-clusters", "{\"CacheClusterId\": \"cpu\", \"CacheNodeType\": \"cache.micro\"}");
        int port = nodePorts(waitAvailable("cpu")).get(0);
        String node = "{cache_cluster_id=\"cpu\",cache_node_id=\"0001\"} ";
        // Counters are stored as increases from the first scrape on: the commands come after it.
        waitFor("the node is scraped", WAIT_SECONDS, () -> prometheus().contains("larder_node_up" + node + "1"));
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            for (int i = 0; i < 50; i++) {
                jedis.set("k" + i, "v");
            }
            for (int i = 0; i < 70; i++) {
                jedis.get("k" + i);
            }
            jedis.hset("h", "f", "v");
            jedis.configGet("maxmemory");
        }
        waitFor("GetTypeCmds counts the 70 reads", WAIT_SECONDS, () -> prometheus().contains("larder_GetTypeCmds" + node + "70\n"));
        String metrics = prometheus();
        assertThat(metrics).contains("larder_SetTypeCmds" + node + "51\n").contains("# TYPE larder_GetTypeCmds counter");
        waitFor("CPU metrics (two scrapes of the process)", WAIT_SECONDS,
                () -> prometheus().contains("larder_CPUUtilization" + node) && prometheus().contains("larder_EngineCPUUtilization" + node));
        metrics = prometheus();
        for (String name : List.of("CPUUtilization", "EngineCPUUtilization")) {
            double value = Double.parseDouble(metrics.lines().filter(l -> l.startsWith("larder_" + name + node))
                    .findFirst().orElseThrow().substring(("larder_" + name + node).length()));
            assertThat(value).as(name).isBetween(0.0, 100.0);
        }
        String now = java.time.Instant.now().plusSeconds(60).toString();
        String from = java.time.Instant.now().minusSeconds(600).toString();
        JsonNode stats = call("GET", "/v1/metric-statistics?MetricName=CPUUtilization&CacheClusterId=cpu&StartTime=" + from
                + "&EndTime=" + now + "&Period=60&Statistics=Average,SampleCount", null);
        assertThat(stats.path("Datapoints").size()).isPositive();
        assertThat(stats.path("Datapoints").path(0).path("Unit").asText()).isEqualTo("Percent");
        JsonNode sets = call("GET", "/v1/metric-statistics?MetricName=SetTypeCmds&CacheClusterId=cpu&StartTime=" + from
                + "&EndTime=" + now + "&Period=3600&Statistics=Sum", null);
        assertThat(sets.path("Datapoints").path(0).path("Sum").asDouble()).as("increases add up to the 51 writes").isEqualTo(51.0);

        call("DELETE", "/v1/cache-clusters/cpu", null);
        waitFor("the cluster is deleted", WAIT_SECONDS, () -> status("GET", "/v1/cache-clusters/cpu", null) == 404);
    }

    private static String prometheus() {
        try {
            return send("GET", "/metrics", null).body();
        } catch (IOException e) {
            return "";
        }
    }

    /** Stores 200 keys through the client, reads them back, and checks every node holds some of them. */
    private static void storeAndSpread(AWSElasticCacheClient client, String prefix, List<Integer> ports) throws Exception {
        for (int i = 0; i < 200; i++) {
            assertThat(client.set(prefix + i, 0, "value-" + i)).isTrue();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(client.<String>get(prefix + i)).isEqualTo("value-" + i);
        }
        int total = 0;
        for (int p : ports) {
            int held = keysHeld(p, prefix, 200);
            assertThat(held).as("keys on node port %d", p).isPositive();
            total += held;
        }
        assertThat(total).as("each key on exactly one node").isEqualTo(200);
    }

    private static List<Integer> clientPorts(AWSElasticCacheClient client) {
        ClusterConfiguration config = client.getCurrentConfig();
        return config == null ? List.of() : config.getNodeList().stream().map(CacheNode::getPort).sorted().toList();
    }

    private static List<Integer> nodePorts(JsonNode cluster) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : cluster.path("CacheNodes")) {
            out.add(n.path("Endpoint").path("Port").asInt());
        }
        return out;
    }

    // ---- memcached's text protocol, spoken directly to one node

    private static List<String> configGetCluster(int port) throws IOException {
        return exchange(port, "config get cluster\r\n");
    }

    private static long discoveryVersion(int port) throws IOException {
        return Long.parseLong(configGetCluster(port).get(1));
    }

    private static List<Integer> listedPorts(int port) {
        try {
            List<String> lines = configGetCluster(port);
            List<Integer> out = new ArrayList<>();
            for (String entry : lines.get(2).split(" ")) {
                String[] parts = entry.split("\\|");
                assertThat(parts[0]).isEqualTo("127.0.0.1");
                assertThat(parts[1]).isEqualTo("127.0.0.1");
                out.add(Integer.parseInt(parts[2]));
            }
            return out.stream().sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int keysHeld(int port, String prefix, int count) throws IOException {
        StringBuilder get = new StringBuilder("get");
        for (int i = 0; i < count; i++) {
            get.append(' ').append(prefix).append(i);
        }
        return (int) exchange(port, get.append("\r\n").toString()).stream().filter(l -> l.startsWith("VALUE ")).count();
    }

    /** Sends one retrieval command and returns the reply's lines up to END. */
    private static List<String> exchange(int port, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            List<String> lines = new ArrayList<>();
            for (String l = in.readLine(); l != null && !l.equals("END"); l = in.readLine()) {
                lines.add(l);
            }
            return lines;
        }
    }

    // ---- the API

    private static JsonNode waitAvailable(String id) throws Exception {
        waitFor(id + " available", WAIT_SECONDS, () -> {
            try {
                return describe(id).path("CacheClusterStatus").asText().equals("available");
            } catch (IOException e) {
                return false;
            }
        });
        return describe(id);
    }

    private static JsonNode describe(String id) throws IOException {
        return call("GET", "/v1/cache-clusters/" + id + "?ShowCacheNodeInfo=true", null).path("CacheCluster");
    }

    private static JsonNode call(String method, String path, String body) throws IOException {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
        return ApiClient.JSON.readTree(r.body());
    }

    private static int status(String method, String path, String body) {
        try {
            return send(method, path, body).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    private static HttpResponse<String> send(String method, String path, String body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void waitFor(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %d s (see %s)", what, seconds, dataDir.resolve("control.log"))
                    .isLessThan(deadline);
            assertThat(controlPlane.isAlive()).as("the control plane runs").isTrue();
            Thread.sleep(200);
        }
    }

    private static int freeWindow(int low, int high, int size) {
        int start = low;
        for (int p = low; p <= high; p++) {
            // The control plane's own test: a port a recent connection left in TIME_WAIT does not count as free.
            if (!PortAllocator.isFree(p)) {
                start = p + 1;
            } else if (p - start + 1 == size) {
                return start;
            }
        }
        throw new AssertionError("no " + size + " free ports in " + low + "-" + high);
    }

    private static Path cwd(ProcessHandle h) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
