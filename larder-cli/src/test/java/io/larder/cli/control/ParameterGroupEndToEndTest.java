package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custom parameter groups end to end: a real control plane and real node processes, the CLI verbs and the HTTP API.
 * A Redis cache with an AUTH token runs on a custom group; changing an immediate parameter reaches the running node
 * (CONFIG GET), a requires-reboot one waits for the reboot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParameterGroupEndToEndTest {
    private static final String TOKEN = "parameter-groups-token-1";
    private static ControlPlaneProcess cp;

    @BeforeAll
    static void start() throws Exception {
        cp = new ControlPlaneProcess(23900, 23999, 8);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cp != null) {
            cp.close();
        }
    }

    private static List<String> userParameters(String group) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode p : cp.ok("describe-cache-parameters", "--cache-parameter-group-name", group, "--source", "user")
                .path("Parameters")) {
            out.add(p.path("ParameterName").asText() + "=" + p.path("ParameterValue").asText());
        }
        return out;
    }

    private static String refusal(String... args) {
        ControlPlaneProcess.Result r = cp.cli(args);
        assertThat(r.status()).as("%s refused: %s", args[0], r.out()).isEqualTo(254);
        return r.err();
    }

    @Test
    @Order(1)
    void groupsAreCreatedDescribedAndBadChangesRefusedWithoutEffect() throws Exception {
        JsonNode created = cp.ok("create-cache-parameter-group", "--cache-parameter-group-name", "App-Params",
                "--cache-parameter-group-family", "redis7", "--description", "the app's cache");
        assertThat(created.path("CacheParameterGroup").path("CacheParameterGroupName").asText()).isEqualTo("app-params");
        assertThat(created.path("CacheParameterGroup").path("CacheParameterGroupFamily").asText()).isEqualTo("redis7");
        assertThat(cp.ok("describe-cache-parameter-groups").path("CacheParameterGroups")).hasSize(3);
        assertThat(refusal("create-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--cache-parameter-group-family", "redis7", "--description", "again"))
                .contains("(CacheParameterGroupAlreadyExists)");

        JsonNode modified = cp.ok("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--parameter-name-values", "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru");
        assertThat(modified.path("CacheParameterGroupName").asText()).isEqualTo("app-params");
        assertThat(userParameters("app-params")).containsExactly("maxmemory-policy=allkeys-lru");

        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--parameter-name-values", "ParameterName=timeout,ParameterValue=60",
                "ParameterName=no-such-parameter,ParameterValue=1"))
                .contains("An error occurred (InvalidParameterValue) when calling the ModifyCacheParameterGroup "
                        + "operation: Could not find parameter with name: no-such-parameter");
        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--parameter-name-values", "[{\"ParameterName\": \"maxmemory-policy\", \"ParameterValue\": \"lru\"}]"))
                .contains("(InvalidParameterValue)").contains("Invalid parameter value: lru for: maxmemory-policy");
        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--parameter-name-values", "ParameterName=databases,ParameterValue=0"))
                .contains("allowed values are: 1-1200000");
        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params",
                "--parameter-name-values", "ParameterName=maxclients,ParameterValue=100"))
                .contains("(InvalidParameterValue)").contains("maxclients cannot be modified");
        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "default.redis7",
                "--parameter-name-values", "ParameterName=timeout,ParameterValue=60"))
                .contains("(InvalidParameterValue)").contains("Cannot modify a default parameter group.");
        assertThat(refusal("delete-cache-parameter-group", "--cache-parameter-group-name", "default.redis7"))
                .contains("(InvalidCacheParameterGroupState)");
        assertThat(refusal("modify-cache-parameter-group", "--cache-parameter-group-name", "nothere",
                "--parameter-name-values", "ParameterName=timeout,ParameterValue=60"))
                .contains("(CacheParameterGroupNotFound)");
        ControlPlaneProcess.Result shorthand = cp.cli("modify-cache-parameter-group", "--cache-parameter-group-name",
                "app-params", "--parameter-name-values", "timeout=60");
        assertThat(shorthand.status()).isEqualTo(252);
        assertThat(shorthand.err()).contains("ParameterName=NAME,ParameterValue=VALUE");

        StringBuilder many = new StringBuilder("{\"ParameterNameValues\": [");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",").append("{\"ParameterName\": \"timeout\", \"ParameterValue\": \"").append(i)
                    .append("\"}");
        }
        ControlPlaneProcess.Http tooMany = cp.http("PATCH", "/v1/cache-parameter-groups/app-params", many + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.errorCode()).isEqualTo("InvalidParameterCombination");
        ControlPlaneProcess.Http missing = cp.http("GET", "/v1/cache-parameter-groups/nothere/parameters", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("CacheParameterGroupNotFound");

        assertThat(userParameters("app-params")).as("refusals changed nothing").containsExactly("maxmemory-policy=allkeys-lru");
        assertThat(userParameters("default.redis7")).isEmpty();
        JsonNode engineDefaults = cp.ok("describe-engine-default-parameters", "--cache-parameter-group-family",
                "memcached1.6").path("EngineDefaults");
        assertThat(engineDefaults.path("Parameters").toString()).contains("max_simultaneous_connections");
    }

    @Test
    @Order(2)
    void aCacheRunsWithItsGroupAndTakesImmediateChangesLiveAndRebootChangesAtTheReboot() throws Exception {
        assertThat(refusal("create-cache-cluster", "--cache-cluster-id", "wrong-family", "--engine", "memcached",
                "--cache-parameter-group-name", "app-params"))
                .contains("(InvalidParameterCombination)").contains("Expected a parameter group of family memcached1.6");
        cp.ok("create-cache-cluster", "--cache-cluster-id", "app", "--cache-node-type", "cache.micro", "--auth-token",
                TOKEN, "--cache-parameter-group-name", "app-params");
        cp.waitAvailable("app");
        int port = node("app").path("Endpoint").path("Port").asInt();
        assertThat(config(port, "maxmemory-policy")).as("rendered from the group").isEqualTo("allkeys-lru");
        assertThat(config(port, "databases")).isEqualTo("16");
        assertThat(groupStatus("app").path("ParameterApplyStatus").asText()).isEqualTo("in-sync");

        assertThat(refusal("delete-cache-parameter-group", "--cache-parameter-group-name", "app-params"))
                .contains("(InvalidCacheParameterGroupState)").contains("app");
        assertThat(cp.ok("describe-cache-parameter-groups", "--cache-parameter-group-name", "app-params")
                .path("CacheParameterGroups")).hasSize(1);

        // One immediate and one requires-reboot parameter in one call.
        cp.ok("modify-cache-parameter-group", "--cache-parameter-group-name", "app-params", "--parameter-name-values",
                "ParameterName=maxmemory-policy,ParameterValue=allkeys-lfu",
                "ParameterName=databases,ParameterValue=32");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!config(port, "maxmemory-policy").equals("allkeys-lfu")) {
            assertThat(System.nanoTime()).as("immediate parameter applied live").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(config(port, "databases")).as("waits for the reboot").isEqualTo("16");
        JsonNode status = groupStatus("app");
        assertThat(status.path("ParameterApplyStatus").asText()).isEqualTo("pending-reboot");
        assertThat(status.path("CacheNodeIdsToReboot").toString()).isEqualTo("[\"0001\"]");
        assertThat(node("app").path("ParameterGroupStatus").asText()).isEqualTo("pending-reboot");
        assertThat(events("app")).contains("Applied parameter changes to cache node 0001: maxmemory-policy",
                "Parameter changes to app-params (databases) will be applied at the next reboot of cache nodes 0001");

        cp.ok("reboot-cache-cluster", "--cache-cluster-id", "app", "--cache-node-ids-to-reboot", "0001");
        cp.waitAvailable("app");
        assertThat(config(port, "databases")).isEqualTo("32");
        assertThat(config(port, "maxmemory-policy")).isEqualTo("allkeys-lfu");
        assertThat(groupStatus("app").path("ParameterApplyStatus").asText()).isEqualTo("in-sync");
        assertThat(groupStatus("app").path("CacheNodeIdsToReboot")).isEmpty();
        assertThat(events("app")).contains("Cache node 0001 restarted");

        // Reset goes back to the defaults the same way.
        cp.ok("reset-cache-parameter-group", "--cache-parameter-group-name", "app-params", "--parameter-name-values",
                "ParameterName=maxmemory-policy");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!config(port, "maxmemory-policy").equals("volatile-lru")) {
            assertThat(System.nanoTime()).as("reset applied live").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(userParameters("app-params")).containsExactly("databases=32");
    }

    @Test
    @Order(3)
    void aGroupSwitchWithoutApplyImmediatelyWaitsForTheReboot() throws Exception {
        int port = node("app").path("Endpoint").path("Port").asInt();
        JsonNode modified = cp.ok("modify-cache-cluster", "--cache-cluster-id", "app", "--cache-parameter-group-name",
                "default.redis7").path("CacheCluster");
        assertThat(modified.path("CacheClusterStatus").asText()).isEqualTo("available");
        JsonNode described = cluster("app");
        assertThat(described.path("CacheParameterGroup").path("CacheParameterGroupName").asText())
                .isEqualTo("default.redis7");
        assertThat(described.path("CacheParameterGroup").path("ParameterApplyStatus").asText())
                .isEqualTo("pending-reboot");
        Thread.sleep(2500);
        assertThat(config(port, "databases")).as("nothing applied before the reboot").isEqualTo("32");
        assertThat(refusal("delete-cache-parameter-group", "--cache-parameter-group-name", "app-params"))
                .contains("(InvalidCacheParameterGroupState)");

        cp.ok("reboot-cache-cluster", "--cache-cluster-id", "app", "--cache-node-ids-to-reboot", "0001");
        cp.waitAvailable("app");
        assertThat(config(port, "databases")).isEqualTo("16");
        assertThat(groupStatus("app").path("CacheParameterGroupName").asText()).isEqualTo("default.redis7");
        assertThat(groupStatus("app").path("ParameterApplyStatus").asText()).isEqualTo("in-sync");

        ControlPlaneProcess.Result deleted = cp.cli("delete-cache-parameter-group", "--cache-parameter-group-name",
                "app-params");
        assertThat(deleted.status()).as(deleted.err()).isZero();
        assertThat(deleted.out()).isEmpty();
        assertThat(refusal("describe-cache-parameters", "--cache-parameter-group-name", "app-params"))
                .contains("(CacheParameterGroupNotFound)");
    }

    @Test
    @Order(4)
    void memcachedNodesTakeTheirGroupAsFlagsAndConcurrentModificationsHaveOneWinner() throws Exception {
        cp.ok("create-cache-parameter-group", "--cache-parameter-group-name", "mc-params",
                "--cache-parameter-group-family", "memcached1.6", "--description", "memcached");
        cp.ok("modify-cache-parameter-group", "--cache-parameter-group-name", "mc-params", "--parameter-name-values",
                "ParameterName=max_simultaneous_connections,ParameterValue=500");
        cp.ok("create-cache-cluster", "--cache-cluster-id", "mc", "--engine", "memcached", "--num-cache-nodes", "1",
                "--cache-node-type", "cache.micro", "--cache-parameter-group-name", "mc-params");
        cp.waitAvailable("mc");
        int port = node("mc").path("Endpoint").path("Port").asInt();
        assertThat(memcachedSetting(port, "maxconns")).isEqualTo("500");

        cp.ok("modify-cache-parameter-group", "--cache-parameter-group-name", "mc-params", "--parameter-name-values",
                "ParameterName=max_simultaneous_connections,ParameterValue=600");
        assertThat(groupStatus("mc").path("ParameterApplyStatus").asText()).isEqualTo("pending-reboot");
        assertThat(memcachedSetting(port, "maxconns")).isEqualTo("500");

        // Two modifications at once through the API: one wins, the other finds the cluster modifying.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ControlPlaneProcess.Http>> calls = new ArrayList<>();
            for (int n : new int[] {2, 3}) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return cp.http("PATCH", "/v1/cache-clusters/mc",
                            "{\"NumCacheNodes\": " + n + ", \"ApplyImmediately\": true}");
                }));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<ControlPlaneProcess.Http> f : calls) {
                ControlPlaneProcess.Http h = f.get();
                outcomes.add(h.statusCode() == 200 ? "ok" : h.errorCode());
            }
            assertThat(outcomes).containsExactlyInAnyOrder("ok", "InvalidCacheClusterState");
        } finally {
            pool.shutdown();
        }
        cp.waitAvailable("mc");
        JsonNode c = cluster("mc");
        int nodes = c.path("NumCacheNodes").asInt();
        assertThat(nodes).isIn(2, 3);
        for (JsonNode n : c.path("CacheNodes")) {
            // New nodes start with the group's current values; the first still waits for its reboot.
            String expected = n.path("CacheNodeId").asText().equals("0001") ? "500" : "600";
            assertThat(memcachedSetting(n.path("Endpoint").path("Port").asInt(), "maxconns")).isEqualTo(expected);
        }
        assertThat(groupStatus("mc").path("CacheNodeIdsToReboot").toString()).isEqualTo("[\"0001\"]");

        cp.ok("delete-cache-cluster", "--cache-cluster-id", "mc");
        cp.ok("delete-cache-cluster", "--cache-cluster-id", "app");
        cp.waitDeleted("mc");
        cp.waitDeleted("app");
        cp.ok("delete-cache-parameter-group", "--cache-parameter-group-name", "mc-params");
        assertThat(cp.ok("describe-cache-parameter-groups").path("CacheParameterGroups")).hasSize(2);
    }

    // ---- helpers

    private static JsonNode cluster(String id) throws IOException {
        return cp.ok("describe-cache-clusters", "--cache-cluster-id", id, "--show-cache-node-info")
                .path("CacheClusters").path(0);
    }

    private static JsonNode node(String id) throws IOException {
        return cluster(id).path("CacheNodes").path(0);
    }

    private static JsonNode groupStatus(String id) throws IOException {
        return cluster(id).path("CacheParameterGroup");
    }

    private static List<String> events(String id) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode e : cp.ok("describe-events", "--source-identifier", id).path("Events")) {
            out.add(e.path("Message").asText());
        }
        return out;
    }

    private static String config(int port, String name) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.auth(TOKEN);
            return jedis.configGet(name).get(name);
        }
    }

    private static String memcachedSetting(int port, String name) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("stats settings\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    String l = line.toString().trim();
                    if (l.equals("END")) {
                        break;
                    }
                    if (l.startsWith("STAT " + name + " ")) {
                        return l.substring(("STAT " + name + " ").length());
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            return null;
        }
    }
}
