package io.larder.control.metrics;

import io.larder.control.api.ApiException;
import io.larder.control.model.MetricSample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** CloudWatch's GetMetricStatistics over stored samples: one datapoint per period that has samples. */
public final class MetricStatistics {
    public static final Set<String> STATISTICS = Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");

    private MetricStatistics() {
    }

    /** CloudWatch's periods: 1, 5, 10, 30 or a multiple of 60 seconds. */
    public static void checkPeriod(int seconds) {
        if (!(seconds == 1 || seconds == 5 || seconds == 10 || seconds == 30 || seconds > 0 && seconds % 60 == 0)) {
            throw ApiException.invalidValue("Period must be 1, 5, 10, 30 or a multiple of 60 seconds (got " + seconds + ").");
        }
    }

    public static Map<String, Object> compute(String name, List<MetricSample> samples, long start, int periodSeconds,
                                              List<String> statistics) {
        long period = periodSeconds * 1000L;
        Map<Long, List<Double>> buckets = new TreeMap<>();
        for (MetricSample s : samples) {
            buckets.computeIfAbsent(start + (s.time() - start) / period * period, k -> new ArrayList<>()).add(s.value());
        }
        List<Object> points = new ArrayList<>();
        buckets.forEach((t, values) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("Timestamp", Instant.ofEpochMilli(t).toString());
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            for (String stat : statistics) {
                p.put(stat, switch (stat) {
                    case "SampleCount" -> (double) values.size();
                    case "Average" -> sum / values.size();
                    case "Sum" -> sum;
                    case "Minimum" -> min;
                    case "Maximum" -> max;
                    default -> throw new IllegalArgumentException(stat);
                });
            }
            p.put("Unit", unit(name));
            points.add(p);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Label", name);
        out.put("Datapoints", points);
        return out;
    }

    static String unit(String name) {
        if (name.contains("Percentage") || name.endsWith("Rate") || name.endsWith("Utilization")) {
            return "Percent";
        }
        return name.contains("Bytes") ? "Bytes" : "Count";
    }
}
