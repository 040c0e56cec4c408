package io.larder.node.server;

import io.larder.node.config.ServerConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** SLOWLOG: commands that ran longer than slowlog-log-slower-than microseconds, newest first. */
public final class SlowLog {
    private static final int MAX_ARGS = 32;
    private static final int MAX_ARG_LEN = 128;

    private final ServerConfig config;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public SlowLog(ServerConfig config) {
        this.config = config;
    }

    public record Entry(long id, long unixSeconds, long micros, List<byte[]> args, String peer, String clientName) {
    }

    void offer(Client client, byte[][] args, long micros) {
        long threshold = config.slowlogLogSlowerThan.asLong();
        if (threshold < 0 || micros < threshold) {
            return;
        }
        List<byte[]> kept = new ArrayList<>();
        int shown = Math.min(args.length, MAX_ARGS);
        for (int i = 0; i < shown; i++) {
            if (i == MAX_ARGS - 1 && args.length > MAX_ARGS) {
                kept.add(("... (" + (args.length - MAX_ARGS + 1) + " more arguments)").getBytes(StandardCharsets.UTF_8));
                break;
            }
            byte[] a = args[i];
            if (a.length > MAX_ARG_LEN) {
                byte[] cut = java.util.Arrays.copyOf(a, MAX_ARG_LEN);
                String more = "... (" + (a.length - MAX_ARG_LEN) + " more bytes)";
                byte[] joined = new byte[cut.length + more.length()];
                System.arraycopy(cut, 0, joined, 0, cut.length);
                System.arraycopy(more.getBytes(StandardCharsets.US_ASCII), 0, joined, cut.length, more.length());
                a = joined;
            }
            kept.add(a);
        }
        synchronized (this) {
            entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, kept,
                    client.remoteAddress(), client.name()));
            trim();
        }
    }

    public synchronized List<Entry> newest(int count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (count >= 0 && out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }

    private void trim() {
        while (entries.size() > config.slowlogMaxLen.asLong()) {
            entries.removeLast();
        }
    }
}
