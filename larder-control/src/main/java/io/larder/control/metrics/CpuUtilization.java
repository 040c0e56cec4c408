package io.larder.control.metrics;

import io.larder.control.model.Engine;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * CloudWatch's CPU metrics from CPU time used between two scrapes of the same process. CPUUtilization: the node
 * process's CPU time (from /proc) as a share of all the host's CPUs. EngineCPUUtilization (Redis nodes): INFO's
 * used_cpu_user + used_cpu_sys as a share of the engine's threads (the node type's), so a node whose every engine
 * thread is busy shows 100 as ElastiCache's single engine thread would.
 */
final class CpuUtilization {
    private record Reading(long pid, long millis, double processSeconds, Double engineSeconds) {
    }

    private final ProcessCpu processCpu;
    private final int hostCpus;
    private final Map<String, Reading> previous = new HashMap<>();

    CpuUtilization(ProcessCpu processCpu, int hostCpus) {
        this.processCpu = processCpu;
        this.hostCpus = hostCpus;
    }

    /**
     * Adds the node's CPU metrics to {@code metrics} when an earlier reading of the same process exists (the first
     * scrape of a process only records where it starts).
     */
    void add(String node, Engine engine, long pid, int engineThreads, long millis, Map<String, Double> raw,
             Map<String, Double> metrics) {
        OptionalDouble process = pid > 0 ? processCpu.seconds(pid) : OptionalDouble.empty();
        if (process.isEmpty()) {
            previous.remove(node);
            return;
        }
        Double engineSeconds = null;
        if (engine == Engine.REDIS && raw.containsKey("used_cpu_user") && raw.containsKey("used_cpu_sys")) {
            engineSeconds = raw.get("used_cpu_user") + raw.get("used_cpu_sys");
        }
        Reading now = new Reading(pid, millis, process.getAsDouble(), engineSeconds);
        Reading before = previous.put(node, now);
        if (before == null || before.pid() != pid || now.millis() <= before.millis()) {
            return;
        }
        double wallSeconds = (now.millis() - before.millis()) / 1000.0;
        metrics.put("CPUUtilization", percent(now.processSeconds() - before.processSeconds(), wallSeconds * hostCpus));
        if (now.engineSeconds() != null && before.engineSeconds() != null) {
            metrics.put("EngineCPUUtilization",
                    percent(now.engineSeconds() - before.engineSeconds(), wallSeconds * engineThreads));
        }
    }

    /** Forgets nodes no longer scraped. */
    void retain(Set<String> nodes) {
        previous.keySet().retainAll(nodes);
    }

    private static double percent(double used, double available) {
        return Math.max(0, Math.min(100, 100 * used / available));
    }
}
