package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code aws cloudwatch get-metric-statistics} for the AWS/ElastiCache namespace, served by the control plane. */
@Command(name = "get-metric-statistics", description = "Statistics of a node or cluster metric (CloudWatch names).")
public final class GetMetricStatistics extends ApiVerb {
    @Option(names = "--namespace", description = "AWS/ElastiCache (the only namespace)")
    String namespace = "AWS/ElastiCache";
    @Option(names = "--metric-name", required = true)
    String metricName;
    @Option(names = "--dimensions", arity = "1..*", required = true,
            description = "Name=CacheClusterId,Value=ID [Name=CacheNodeId,Value=0001]")
    List<String> dimensions;
    @Option(names = "--start-time", required = true)
    String startTime;
    @Option(names = "--end-time", required = true)
    String endTime;
    @Option(names = "--period", required = true, description = "seconds")
    int period;
    @Option(names = "--statistics", arity = "1..*", required = true, description = "SampleCount Average Sum Minimum Maximum")
    List<String> statistics;

    @Override
    String operation() {
        return "GetMetricStatistics";
    }

    @Override
    JsonNode call(ApiClient api) throws ApiClient.ApiError {
        if (!namespace.equals("AWS/ElastiCache")) {
            throw new ApiClient.ApiError("InvalidParameterValue", "Only the AWS/ElastiCache namespace exists.");
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("MetricName", metricName);
        for (String d : dimensions) {
            String name = null;
            String value = null;
            for (String part : d.split(",")) {
                if (part.startsWith("Name=")) {
                    name = part.substring(5);
                } else if (part.startsWith("Value=")) {
                    value = part.substring(6);
                }
            }
            if (name == null || value == null || !(name.equals("CacheClusterId") || name.equals("CacheNodeId"))) {
                throw new ApiClient.ApiError("InvalidParameterValue",
                        "Dimensions are Name=CacheClusterId,Value=ID or Name=CacheNodeId,Value=ID, not " + d);
            }
            q.put(name, value);
        }
        q.put("StartTime", startTime);
        q.put("EndTime", endTime);
        q.put("Period", Integer.toString(period));
        q.put("Statistics", String.join(",", statistics));
        return api.get("/v1/metric-statistics", q);
    }
}
