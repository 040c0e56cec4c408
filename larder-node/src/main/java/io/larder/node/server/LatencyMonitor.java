package io.larder.node.server;

import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor: for each event class ("command", "fast-command", "expire-cycle" ...) the spikes of
 * at least latency-monitor-threshold milliseconds, one sample per second (the worst), the last 160 seconds
 * that had one, and the worst ever. A threshold of 0 turns the monitor off.
 */
public final class LatencyMonitor {
    static final int HISTORY = 160;

    /** Looked up once: the threshold is read after every command. Null if no such parameter is defined. */
    private final ConfigParam thresholdParam;
    private final Map<String, Series> events = new LinkedHashMap<>();

    public LatencyMonitor(ServerConfig config) {
        this.thresholdParam = config.find("latency-monitor-threshold");
    }

    /** One spike: when (unix seconds) and how long (milliseconds). */
    public record Sample(long unixSeconds, long millis) {
    }

    /** The LATENCY LATEST line of one event. */
    public record Latest(String event, Sample latest, long maxMillis) {
    }

    private static final class Series {
        final Sample[] samples = new Sample[HISTORY];
        int next;
        long max;

        Sample latest() {
            return samples[(next + HISTORY - 1) % HISTORY];
        }
    }

    /** Milliseconds; 0 when the monitor is off (also when the parameter is not defined). */
    public long threshold() {
        return thresholdParam == null ? 0 : thresholdParam.asLong();
    }

    /** Records a command's duration under "command" or "fast-command", as Redis's call() does. */
    public void commandFinished(boolean fast, long micros) {
        addSampleIfNeeded(fast ? "fast-command" : "command", micros / 1000);
    }

    public void addSampleIfNeeded(String event, long millis) {
        long threshold = threshold();
        if (threshold > 0 && millis >= threshold) {
            add(event, millis, System.currentTimeMillis() / 1000);
        }
    }

    synchronized void add(String event, long millis, long unixSeconds) {
        Series s = events.computeIfAbsent(event, e -> new Series());
        s.max = Math.max(s.max, millis);
        Sample last = s.latest();
        if (last != null && last.unixSeconds() == unixSeconds) {
            if (millis > last.millis()) {
                s.samples[(s.next + HISTORY - 1) % HISTORY] = new Sample(unixSeconds, millis);
            }
            return;
        }
        s.samples[s.next] = new Sample(unixSeconds, millis);
        s.next = (s.next + 1) % HISTORY;
    }

    public synchronized List<Latest> latest() {
        List<Latest> out = new ArrayList<>();
        events.forEach((name, s) -> out.add(new Latest(name, s.latest(), s.max)));
        return out;
    }

    /** Oldest first; empty for an unknown event. */
    public synchronized List<Sample> history(String event) {
        Series s = events.get(event);
        List<Sample> out = new ArrayList<>();
        if (s != null) {
            for (int i = 0; i < HISTORY; i++) {
                Sample sample = s.samples[(s.next + i) % HISTORY];
                if (sample != null) {
                    out.add(sample);
                }
            }
        }
        return out;
    }

    /** Drops the named events (all of them when {@code names} is empty); returns how many existed. */
    public synchronized int reset(Collection<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }
}
