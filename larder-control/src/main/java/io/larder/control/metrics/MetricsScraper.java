package io.larder.control.metrics;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.MetricSample;
import io.larder.control.model.NodeStatus;
import io.larder.control.store.Store;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes every available node's INFO / stats on its own timer (10 s by default) and serves the latest values as
 * Prometheus text, one series per CloudWatch metric with {@code cache_cluster_id} and {@code cache_node_id} labels,
 * plus {@code larder_node_up}; keeps 24 hours of samples in the store for {@code get-metric-statistics}.
 */
public final class MetricsScraper implements AutoCloseable {
    public static final long RETENTION_MILLIS = 24 * 3600_000L;
    private static final System.Logger LOG = System.getLogger(MetricsScraper.class.getName());
    private final Store store;
    private final NodeStats stats;
    private final String address;
    private final Clock clock;
    private long lastPrune;
    private final CpuUtilization cpu = new CpuUtilization(ProcessCpu.system(), Runtime.getRuntime().availableProcessors());
    /** cluster/node to its latest metrics; an empty map when the last scrape failed. */
    private final Map<String, Map<String, Double>> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "larder-metrics");
        t.setDaemon(true);
        return t;
    });

    public MetricsScraper(Store store, NodeStats stats, String address, Clock clock) {
        this.store = store;
        this.stats = stats;
        this.address = address;
        this.clock = clock;
    }

    public void start(long intervalMillis) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                scrape();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "metrics scrape failed", e);
            }
        }, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void scrape() {
        long time = clock.millis();
        List<MetricSample> samples = new ArrayList<>();
        Map<String, Map<String, Double>> now = new TreeMap<>();
        for (CacheCluster c : store.clusters()) {
            for (CacheNode n : store.nodes(c.id())) {
                if (!n.status().equals(NodeStatus.AVAILABLE)) {
                    continue;
                }
                String key = c.id() + "/" + n.nodeId();
                Map<String, Double> values;
                try {
                    Map<String, Double> raw = stats.read(c.engine(), address, n.port(), c.authToken(),
                            c.security().transitEncryption());
                    values = CloudWatchMetrics.of(c.engine(), raw);
                    cpu.add(key, c.engine(), n.pid(), c.nodeType().threads(), time, raw, values);
                } catch (IOException | RuntimeException e) {
                    values = Map.of();
                }
                now.put(key, values);
                Map<String, Double> before = latest.get(key);
                for (Map.Entry<String, Double> m : values.entrySet()) {
                    double v = m.getValue();
                    if (!CloudWatchMetrics.cumulative(m.getKey())) {
                        samples.add(new MetricSample(c.id(), n.nodeId(), m.getKey(), time, v));
                    } else if (before != null && before.containsKey(m.getKey())) {
                        double delta = v - before.get(m.getKey());
                        // A smaller count means the node restarted and counts from zero again.
                        samples.add(new MetricSample(c.id(), n.nodeId(), m.getKey(), time, delta >= 0 ? delta : v));
                    }
                }
            }
        }
        latest.keySet().retainAll(now.keySet());
        cpu.retain(now.keySet());
        latest.putAll(now);
        if (!samples.isEmpty()) {
            store.addMetrics(samples);
        }
        if (time - lastPrune > 60_000) {
            store.pruneMetrics(time - RETENTION_MILLIS);
            lastPrune = time;
        }
    }

    /** The Prometheus text exposition of the latest scrape. */
    public String prometheusText() {
        Map<String, StringBuilder> series = new TreeMap<>();
        StringBuilder up = new StringBuilder();
        for (Map.Entry<String, Map<String, Double>> e : new TreeMap<>(latest).entrySet()) {
            String labels = labels(e.getKey());
            up.append("larder_node_up").append(labels).append(' ').append(e.getValue().isEmpty() ? 0 : 1).append('\n');
            for (Map.Entry<String, Double> m : e.getValue().entrySet()) {
                series.computeIfAbsent(m.getKey(), k -> new StringBuilder())
                        .append("larder_").append(m.getKey()).append(labels).append(' ').append(format(m.getValue()))
                        .append('\n');
            }
        }
        StringBuilder sb = new StringBuilder("# HELP larder_node_up 1 when the node answered the last scrape\n")
                .append("# TYPE larder_node_up gauge\n").append(up);
        series.forEach((name, lines) -> sb.append("# TYPE larder_").append(name).append(' ')
                .append(CloudWatchMetrics.cumulative(name) ? "counter" : "gauge").append('\n').append(lines));
        return sb.toString();
    }

    private static String labels(String key) {
        int slash = key.indexOf('/');
        return "{cache_cluster_id=\"" + key.substring(0, slash) + "\",cache_node_id=\"" + key.substring(slash + 1) + "\"}";
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
