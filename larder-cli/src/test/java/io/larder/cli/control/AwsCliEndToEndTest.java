package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unchanged AWS CLI ({@code aws elasticache ... --endpoint-url}) against a real control plane and real node
 * processes, through ElastiCache's Query protocol, every request's SigV4 signature checked against the key the
 * control plane is given. The CLI is required: without {@code aws} on the PATH (or in {@code $AWS_CLI}) the test
 * fails. Works with awscli 1.x and 2.x, whose JSON output differs only in how timestamps are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsCliEndToEndTest {
    private static final String CLUSTER = "aws-mc";
    private static final String GROUP = "aws-params";
    private static final String KEY_ID = "AKIDLARDEREXAMPLE";
    private static final String SECRET = "larder/example/secret/key";
    private static ControlPlaneProcess cp;
    private static String aws;
    private static Path home;

    record Aws(int status, String out, String err) {
        JsonNode json() throws IOException {
            return ApiClient.JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        aws = awsCli();
        cp = new ControlPlaneProcess(26100, 26199, 6, "--aws-access-key-id", KEY_ID, "--aws-secret-access-key", SECRET);
        home = Files.createTempDirectory("larder-aws-cli");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cp != null) {
                cp.close();
            }
        } finally {
            if (home != null) {
                Files.deleteIfExists(home);
            }
        }
    }

    /** $AWS_CLI, else the first {@code aws} on the PATH; fails the test (not skips it) when there is none. */
    private static String awsCli() {
        String given = System.getenv("AWS_CLI");
        if (given != null && !given.isBlank()) {
            return given;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "aws");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("the AWS CLI (aws) is not installed: this test needs it (.ci/run installs awscli)");
    }

    /** One {@code aws elasticache} call with the control plane's key and none of the user's AWS configuration. */
    private static Aws aws(String... args) throws Exception {
        return awsSignedWith(KEY_ID, SECRET, args);
    }

    private static Aws awsSignedWith(String keyId, String secret, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(aws, "--endpoint-url", cp.endpoint(), "--region", "us-east-1",
                "--output", "json", "elasticache"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", keyId);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_PAGER", "");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            // The CLI's waiters poll every 15 seconds, 40 times at most.
            assertThat(p.waitFor(11, TimeUnit.MINUTES)).as("aws %s finished", args[0]).isTrue();
            return new Aws(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    private static JsonNode ok(String... args) throws Exception {
        Aws r = aws(args);
        assertThat(r.status()).as("aws %s: %s", args[0], r.err()).isZero();
        return r.out().isBlank() ? ApiClient.JSON.createObjectNode() : r.json();
    }

    /** A refusal: the CLI exits non-zero (255 in 1.x, 254 in 2.x) and prints ElastiCache's error code. */
    private static void refused(String code, String... args) throws Exception {
        refused(code, aws(args), args);
    }

    private static void refused(String code, Aws r, String... args) {
        assertThat(r.status()).as("aws %s refused: %s", args[0], r.out()).isIn(254, 255);
        assertThat(r.err()).contains("An error occurred (" + code + ") when calling the ");
    }

    /** The same tree with every timestamp (ISO-8601 text, as either CLI version prints it) as an instant. */
    private static JsonNode normalized(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey(), normalized(e.getValue()));
            }
            return o;
        }
        if (n.isArray()) {
            var a = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(normalized(e)));
            return a;
        }
        if (n.isTextual() && n.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
            try {
                return JsonNodeFactory.instance.textNode(OffsetDateTime.parse(n.asText()).toInstant().toString());
            } catch (DateTimeParseException e) {
                return n;
            }
        }
        return n;
    }

    private static List<String> userParameters() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode p : ok("describe-cache-parameters", "--cache-parameter-group-name", GROUP, "--source", "user")
                .path("Parameters")) {
            out.add(p.path("ParameterName").asText() + "=" + p.path("ParameterValue").asText());
        }
        return out;
    }

    @Test
    @Order(1)
    void aMemcachedClusterIsCreatedAndTheCliWaiterSeesItAvailable() throws Exception {
        JsonNode created = ok("create-cache-cluster", "--cache-cluster-id", CLUSTER, "--engine", "memcached",
                "--num-cache-nodes", "2").path("CacheCluster");
        assertThat(created.path("CacheClusterId").asText()).isEqualTo(CLUSTER);
        assertThat(created.path("Engine").asText()).isEqualTo("memcached");
        assertThat(created.path("NumCacheNodes").asInt()).isEqualTo(2);
        assertThat(created.path("CacheClusterStatus").asText()).isEqualTo("creating");

        ok("wait", "cache-cluster-available", "--cache-cluster-id", CLUSTER);

        JsonNode described = ok("describe-cache-clusters", "--cache-cluster-id", CLUSTER, "--show-cache-node-info");
        JsonNode cluster = described.path("CacheClusters").get(0);
        assertThat(cluster.path("CacheClusterStatus").asText()).isEqualTo("available");
        assertThat(cluster.path("CacheNodes")).hasSize(2);
        assertThat(cluster.path("CacheNodes").get(1).path("CacheNodeId").asText()).isEqualTo("0002");
        assertThat(cluster.path("ConfigurationEndpoint").path("Port").isInt()).isTrue();
        assertThat(cluster.path("AuthTokenEnabled").isBoolean()).isTrue();

        // Every field, value and type the CLI shows is the REST API's.
        ControlPlaneProcess.Http rest = cp.http("GET", "/v1/cache-clusters?CacheClusterId=" + CLUSTER
                + "&ShowCacheNodeInfo=true", null);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(normalized(described)).isEqualTo(normalized(ApiClient.JSON.readTree(rest.body())));
    }

    @Test
    @Order(2)
    void refusalsCarryElastiCacheErrorCodes() throws Exception {
        refused("CacheClusterNotFound", "describe-cache-clusters", "--cache-cluster-id", "no-such-cluster");
        refused("CacheClusterAlreadyExists", "create-cache-cluster", "--cache-cluster-id", CLUSTER,
                "--engine", "memcached", "--num-cache-nodes", "1");
        refused("InvalidParameterValue", "create-cache-cluster", "--cache-cluster-id", "1-starts-with-a-digit",
                "--engine", "memcached", "--num-cache-nodes", "1");
        refused("InvalidParameterValue", "create-cache-cluster", "--cache-cluster-id", "double--hyphen",
                "--engine", "memcached", "--num-cache-nodes", "1");
        refused("CacheParameterGroupNotFound", "describe-cache-parameters", "--cache-parameter-group-name",
                "no-such-group");
        refused("InvalidParameterCombination", "modify-cache-cluster", "--cache-cluster-id", CLUSTER,
                "--cache-node-ids-to-remove", "0002");
        // Requests not signed with the control plane's key.
        refused("SignatureDoesNotMatch", awsSignedWith(KEY_ID, "another/secret", "describe-cache-clusters"),
                "describe-cache-clusters");
        refused("InvalidClientTokenId", awsSignedWith("AKIDSOMEONEELSE", SECRET, "create-cache-cluster",
                "--cache-cluster-id", "unsigned", "--engine", "memcached"), "create-cache-cluster");
        // Nothing refused was made.
        assertThat(ok("describe-cache-clusters").path("CacheClusters")).hasSize(1);
    }

    @Test
    @Order(3)
    void parameterGroupsAreCreatedModifiedWithNestedListsAndReset() throws Exception {
        JsonNode created = ok("create-cache-parameter-group", "--cache-parameter-group-name", GROUP,
                "--cache-parameter-group-family", "memcached1.6", "--description", "through the AWS CLI")
                .path("CacheParameterGroup");
        assertThat(created.path("CacheParameterGroupFamily").asText()).isEqualTo("memcached1.6");
        assertThat(created.path("Description").asText()).isEqualTo("through the AWS CLI");
        assertThat(created.path("IsGlobal").isBoolean()).isTrue();
        refused("CacheParameterGroupAlreadyExists", "create-cache-parameter-group", "--cache-parameter-group-name",
                GROUP, "--cache-parameter-group-family", "memcached1.6", "--description", "again");

        JsonNode modified = ok("modify-cache-parameter-group", "--cache-parameter-group-name", GROUP,
                "--parameter-name-values", "ParameterName=chunk_size_growth_factor,ParameterValue=1.5",
                "ParameterName=max_item_size,ParameterValue=2097152");
        assertThat(modified.path("CacheParameterGroupName").asText()).isEqualTo(GROUP);
        assertThat(userParameters()).containsExactlyInAnyOrder("chunk_size_growth_factor=1.5",
                "max_item_size=2097152");
        refused("InvalidParameterValue", "modify-cache-parameter-group", "--cache-parameter-group-name", GROUP,
                "--parameter-name-values", "ParameterName=max_item_size,ParameterValue=huge");

        ok("reset-cache-parameter-group", "--cache-parameter-group-name", GROUP,
                "--parameter-name-values", "ParameterName=max_item_size");
        assertThat(userParameters()).containsExactly("chunk_size_growth_factor=1.5");

        List<String> groups = new ArrayList<>();
        ok("describe-cache-parameter-groups").path("CacheParameterGroups")
                .forEach(g -> groups.add(g.path("CacheParameterGroupName").asText()));
        assertThat(groups).contains("default.redis7", "default.memcached1.6", GROUP);

        // The CLI's paginator keeps only the Parameters of EngineDefaults: one page shows the whole result.
        JsonNode defaults = ok("describe-engine-default-parameters", "--cache-parameter-group-family", "memcached1.6",
                "--no-paginate").path("EngineDefaults");
        assertThat(defaults.path("CacheParameterGroupFamily").asText()).isEqualTo("memcached1.6");
        assertThat(defaults.path("Parameters").size()).isGreaterThan(1);
        JsonNode versions = ok("describe-cache-engine-versions", "--engine", "memcached").path("CacheEngineVersions");
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0).path("CacheParameterGroupFamily").asText()).isEqualTo("memcached1.6");
    }

    @Test
    @Order(4)
    void modifyRemovesANodeAndEventsTellIt() throws Exception {
        JsonNode modifying = ok("modify-cache-cluster", "--cache-cluster-id", CLUSTER, "--num-cache-nodes", "1",
                "--cache-node-ids-to-remove", "0002", "--apply-immediately").path("CacheCluster");
        assertThat(modifying.path("CacheClusterStatus").asText()).isEqualTo("modifying");
        assertThat(modifying.path("PendingModifiedValues").path("NumCacheNodes").asInt()).isEqualTo(1);
        assertThat(modifying.path("PendingModifiedValues").path("CacheNodeIdsToRemove").toString())
                .isEqualTo("[\"0002\"]");
        ok("wait", "cache-cluster-available", "--cache-cluster-id", CLUSTER);
        JsonNode cluster = ok("describe-cache-clusters", "--cache-cluster-id", CLUSTER, "--show-cache-node-info")
                .path("CacheClusters").get(0);
        assertThat(cluster.path("NumCacheNodes").asInt()).isEqualTo(1);
        assertThat(cluster.path("CacheNodes")).hasSize(1);

        JsonNode rebooting = ok("reboot-cache-cluster", "--cache-cluster-id", CLUSTER, "--cache-node-ids-to-reboot",
                "0001").path("CacheCluster");
        assertThat(rebooting.path("CacheClusterStatus").asText()).isEqualTo("rebooting cache cluster nodes");
        ok("wait", "cache-cluster-available", "--cache-cluster-id", CLUSTER);

        List<String> messages = new ArrayList<>();
        ok("describe-events", "--source-identifier", CLUSTER, "--source-type", "cache-cluster").path("Events")
                .forEach(e -> messages.add(e.path("Message").asText()));
        assertThat(messages).contains("Cache cluster created", "Finished modifying number of nodes from 2 to 1");
        refused("InvalidParameterValue", "describe-events", "--max-records", "5");
    }

    @Test
    @Order(5)
    void deleteEndsWithTheCliWaiterAndTheGroupGoes() throws Exception {
        JsonNode deleting = ok("delete-cache-cluster", "--cache-cluster-id", CLUSTER).path("CacheCluster");
        assertThat(deleting.path("CacheClusterStatus").asText()).isEqualTo("deleting");
        ok("wait", "cache-cluster-deleted", "--cache-cluster-id", CLUSTER);
        refused("CacheClusterNotFound", "describe-cache-clusters", "--cache-cluster-id", CLUSTER);
        assertThat(ok("describe-cache-clusters").path("CacheClusters")).isEmpty();

        Aws deleted = aws("delete-cache-parameter-group", "--cache-parameter-group-name", GROUP);
        assertThat(deleted.status()).as(deleted.err()).isZero();
        assertThat(deleted.out()).isBlank();
        refused("CacheParameterGroupNotFound", "delete-cache-parameter-group", "--cache-parameter-group-name", GROUP);
    }
}
