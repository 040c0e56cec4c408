package io.larder.control.model;

/**
 * One stored metric value: for cumulative metrics (CacheHits, ...) the increase since the previous scrape, as
 * CloudWatch counts them per period; for gauges the value read.
 */
public record MetricSample(String clusterId, String nodeId, String name, long time, double value) {
}
