package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cache parameter group verbs of {@code aws elasticache}, with its flag names. */
public final class ParameterGroupVerbs {
    private ParameterGroupVerbs() {
    }

    @Command(name = "describe-cache-parameter-groups", description = "List cache parameter groups.")
    public static final class DescribeGroups extends ApiVerb {
        @Option(names = "--cache-parameter-group-name")
        String name;

        @Override
        String operation() {
            return "DescribeCacheParameterGroups";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("CacheParameterGroupName", name);
            return api.get("/v1/cache-parameter-groups", q);
        }
    }

    static String path(String name) {
        return "/v1/cache-parameter-groups/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Command(name = "create-cache-parameter-group", description = "Create a cache parameter group (a copy of its "
            + "family's defaults).")
    public static final class Create extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;
        @Option(names = "--cache-parameter-group-family", required = true, description = "redis7 or memcached1.6")
        String family;
        @Option(names = "--description", required = true)
        String description;

        @Override
        String operation() {
            return "CreateCacheParameterGroup";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("CacheParameterGroupName", name);
            body.put("CacheParameterGroupFamily", family);
            body.put("Description", description);
            return api.send("POST", "/v1/cache-parameter-groups", body);
        }
    }

    @Command(name = "modify-cache-parameter-group", description = "Change parameter values of a cache parameter "
            + "group (at most 20 a call); clusters using it take them live or at their next reboot.")
    public static final class Modify extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;
        @Option(names = "--parameter-name-values", required = true, arity = "1..*",
                paramLabel = "ParameterName=NAME,ParameterValue=VALUE",
                description = "shorthand pairs, or the JSON list [{\"ParameterName\": .., \"ParameterValue\": ..}]")
        List<String> values;

        @Override
        String operation() {
            return "ModifyCacheParameterGroup";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.send("PATCH", path(name), Map.of("ParameterNameValues", ParameterNameValues.parse(values)));
        }
    }

    @Command(name = "reset-cache-parameter-group", description = "Set parameters of a cache parameter group back to "
            + "their defaults: all of them, or the named ones.")
    public static final class Reset extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;
        @Option(names = "--reset-all-parameters", negatable = true)
        Boolean resetAll;
        @Option(names = "--parameter-name-values", arity = "1..*", paramLabel = "ParameterName=NAME",
                description = "the parameters to reset (shorthand or JSON, as for modify-cache-parameter-group)")
        List<String> values;

        @Override
        String operation() {
            return "ResetCacheParameterGroup";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ResetAllParameters", resetAll);
            body.put("ParameterNameValues", values == null ? null : ParameterNameValues.parse(values));
            return api.send("POST", path(name) + "/reset", body);
        }
    }

    @Command(name = "delete-cache-parameter-group", description = "Delete a cache parameter group no cluster uses.")
    public static final class Delete extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;

        @Override
        String operation() {
            return "DeleteCacheParameterGroup";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.send("DELETE", path(name), null);
        }
    }

    @Command(name = "describe-cache-parameters", description = "List the parameters of a cache parameter group.")
    public static final class DescribeParameters extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;
        @Option(names = "--source", description = "only parameters of this source: user, system or engine-default")
        String source;

        @Override
        String operation() {
            return "DescribeCacheParameters";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("Source", source);
            return api.get(path(name) + "/parameters", q);
        }
    }

    @Command(name = "describe-engine-default-parameters", description = "List an engine family's default parameters.")
    public static final class DescribeEngineDefaults extends ApiVerb {
        @Option(names = "--cache-parameter-group-family", required = true, description = "redis7 or memcached1.6")
        String family;

        @Override
        String operation() {
            return "DescribeEngineDefaultParameters";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.get("/v1/engine-default-parameters", Map.of("CacheParameterGroupFamily", family));
        }
    }
}
