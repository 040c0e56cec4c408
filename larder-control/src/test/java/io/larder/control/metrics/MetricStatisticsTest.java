package io.larder.control.metrics;

import io.larder.control.api.ApiException;
import io.larder.control.model.MetricSample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricStatisticsTest {
    @Test
    void samplesFallIntoPeriodsCountedFromTheStartTime() {
        long start = 1_000_000;
        List<MetricSample> samples = List.of(
                new MetricSample("c", "0001", "CacheHits", start + 1_000, 2),
                new MetricSample("c", "0001", "CacheHits", start + 59_999, 4),
                new MetricSample("c", "0001", "CacheHits", start + 60_000, 10));
        Map<String, Object> r = MetricStatistics.compute("CacheHits", samples, start, 60,
                List.of("Sum", "Average", "Minimum", "Maximum", "SampleCount"));
        assertThat(r.get("Label")).isEqualTo("CacheHits");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) r.get("Datapoints");
        assertThat(points).hasSize(2);
        assertThat(points.get(0)).containsEntry("Sum", 6.0).containsEntry("Average", 3.0).containsEntry("Minimum", 2.0)
                .containsEntry("Maximum", 4.0).containsEntry("SampleCount", 2.0).containsEntry("Unit", "Count");
        assertThat(points.get(1)).containsEntry("Sum", 10.0).containsEntry("SampleCount", 1.0);
        assertThat(points.get(1).get("Timestamp")).isEqualTo(java.time.Instant.ofEpochMilli(start + 60_000).toString());
    }

    @Test
    void periodsAreCloudWatchs() {
        for (int ok : new int[] {1, 5, 10, 30, 60, 300, 3600}) {
            MetricStatistics.checkPeriod(ok);
        }
        for (int bad : new int[] {0, -60, 2, 7, 59, 90}) {
            assertThatThrownBy(() -> MetricStatistics.checkPeriod(bad)).as("%d", bad).isInstanceOf(ApiException.class);
        }
    }

    @Test
    void unitsFollowTheMetricName() {
        assertThat(MetricStatistics.unit("BytesUsedForCache")).isEqualTo("Bytes");
        assertThat(MetricStatistics.unit("CacheHitRate")).isEqualTo("Percent");
        assertThat(MetricStatistics.unit("DatabaseMemoryUsagePercentage")).isEqualTo("Percent");
        assertThat(MetricStatistics.unit("CPUUtilization")).isEqualTo("Percent");
        assertThat(MetricStatistics.unit("CurrConnections")).isEqualTo("Count");
    }
}
