package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cache-cluster verbs of {@code aws elasticache}, with its flag names. */
public final class ClusterVerbs {
    private ClusterVerbs() {
    }

    static String path(String id) {
        return "/v1/cache-clusters/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "create-cache-cluster", description = "Create a cache cluster (a Redis node or a memcached cluster).")
    public static final class Create extends ApiVerb {
        @Option(names = "--cache-cluster-id", required = true)
        String id;
        @Option(names = "--engine", description = "redis or memcached (default redis)")
        String engine;
        @Option(names = "--engine-version")
        String engineVersion;
        @Option(names = "--cache-node-type", description = "cache.micro, cache.small (default), cache.medium, cache.large, cache.xlarge")
        String nodeType;
        @Option(names = "--num-cache-nodes")
        Integer numCacheNodes;
        @Option(names = "--auth-token", description = "Redis password (16-128 printable characters)")
        String authToken;
        @Option(names = "--port", description = "port of the (first) node; default: one from the node port range")
        Integer port;
        @Option(names = "--cache-parameter-group-name")
        String parameterGroup;
        @Option(names = "--transit-encryption-enabled", negatable = true,
                description = "redis only: TLS only, with a certificate of the control plane's CA (see describe-ca-certificate)")
        Boolean transitEncryption;
        @Option(names = "--token-auth-users", split = ",", paramLabel = "USER[,USER...]",
                description = "Larder's own, redis only: users that log in with tokens of generate-auth-token")
        List<String> tokenUsers;

        @Override
        String operation() {
            return "CreateCacheCluster";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("CacheClusterId", id);
            body.put("Engine", engine);
            body.put("EngineVersion", engineVersion);
            body.put("CacheNodeType", nodeType);
            body.put("NumCacheNodes", numCacheNodes);
            body.put("AuthToken", authToken);
            body.put("Port", port);
            body.put("CacheParameterGroupName", parameterGroup);
            body.put("TransitEncryptionEnabled", transitEncryption);
            body.put("TokenAuthUsers", tokenUsers);
            return api.send("POST", "/v1/cache-clusters", body);
        }
    }

    @Command(name = "describe-cache-clusters", description = "Describe one or all cache clusters.")
    public static final class Describe extends ApiVerb {
        @Option(names = "--cache-cluster-id")
        String id;
        @Option(names = "--show-cache-node-info", description = "include each node and its endpoint")
        boolean showNodes;

        @Override
        String operation() {
            return "DescribeCacheClusters";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("CacheClusterId", id);
            q.put("ShowCacheNodeInfo", showNodes ? "true" : null);
            return api.get("/v1/cache-clusters", q);
        }
    }

    @Command(name = "modify-cache-cluster", description = "Change a cache cluster (number of nodes, parameter group).")
    public static final class Modify extends ApiVerb {
        @Option(names = "--cache-cluster-id", required = true)
        String id;
        @Option(names = "--num-cache-nodes")
        Integer numCacheNodes;
        @Option(names = "--cache-node-ids-to-remove", arity = "1..*")
        List<String> toRemove;
        @Option(names = "--cache-parameter-group-name")
        String parameterGroup;
        @Option(names = "--apply-immediately", negatable = true,
                description = "carry the changes out now; without it they wait for the next reboot-cache-cluster")
        Boolean applyImmediately;

        @Override
        String operation() {
            return "ModifyCacheCluster";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("NumCacheNodes", numCacheNodes);
            body.put("CacheNodeIdsToRemove", toRemove);
            body.put("ApplyImmediately", applyImmediately);
            body.put("CacheParameterGroupName", parameterGroup);
            return api.send("PATCH", path(id), body);
        }
    }

    @Command(name = "reboot-cache-cluster", description = "Restart some or all nodes of a cache cluster.")
    public static final class Reboot extends ApiVerb {
        @Option(names = "--cache-cluster-id", required = true)
        String id;
        @Option(names = "--cache-node-ids-to-reboot", arity = "1..*", required = true)
        List<String> nodeIds;

        @Override
        String operation() {
            return "RebootCacheCluster";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.send("POST", path(id) + "/reboot", Map.of("CacheNodeIdsToReboot", nodeIds));
        }
    }

    @Command(name = "delete-cache-cluster", description = "Delete a cache cluster: stop its nodes and remove their data.")
    public static final class Delete extends ApiVerb {
        @Option(names = "--cache-cluster-id", required = true)
        String id;

        @Override
        String operation() {
            return "DeleteCacheCluster";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.send("DELETE", path(id), null);
        }
    }

    @Command(name = "describe-events", description = "List events (default: the last 60 minutes), newest first.")
    public static final class DescribeEvents extends ApiVerb {
        @Option(names = "--source-identifier")
        String source;
        @Option(names = "--source-type")
        String sourceType;
        @Option(names = "--start-time")
        String startTime;
        @Option(names = "--end-time")
        String endTime;
        @Option(names = "--duration", description = "minutes")
        Integer duration;
        @Option(names = "--max-records")
        Integer maxRecords;

        @Override
        String operation() {
            return "DescribeEvents";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("SourceIdentifier", source);
            q.put("SourceType", sourceType);
            q.put("StartTime", startTime);
            q.put("EndTime", endTime);
            q.put("Duration", duration == null ? null : duration.toString());
            q.put("MaxRecords", maxRecords == null ? null : maxRecords.toString());
            return api.get("/v1/events", q);
        }
    }

    @Command(name = "describe-cache-engine-versions", description = "List the engines and versions on offer.")
    public static final class DescribeEngineVersions extends ApiVerb {
        @Option(names = "--engine")
        String engine;
        @Option(names = "--engine-version")
        String engineVersion;

        @Override
        String operation() {
            return "DescribeCacheEngineVersions";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("Engine", engine);
            q.put("EngineVersion", engineVersion);
            return api.get("/v1/cache-engine-versions", q);
        }
    }
}
