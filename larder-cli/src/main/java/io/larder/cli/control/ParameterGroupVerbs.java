package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameter-group verbs that exist so far: describing the default groups. */
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

    @Command(name = "describe-cache-parameters", description = "List the parameters of a cache parameter group.")
    public static final class DescribeParameters extends ApiVerb {
        @Option(names = "--cache-parameter-group-name", required = true)
        String name;

        @Override
        String operation() {
            return "DescribeCacheParameters";
        }

        @Override
        JsonNode call(ApiClient api) throws ApiClient.ApiError {
            return api.get("/v1/cache-parameter-groups/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "/parameters", Map.of());
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
