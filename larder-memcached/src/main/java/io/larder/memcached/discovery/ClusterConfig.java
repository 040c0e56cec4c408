package io.larder.memcached.discovery;

import io.larder.memcached.server.McSettings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * ElastiCache auto discovery: the cluster's node list ({@code host|ip|port} entries separated by spaces) and its
 * config version, bumped on every change. Clients read it with {@code config get cluster}, the binary
 * CONFIG_GET opcode or the legacy {@code get AmazonElastiCache:cluster}; the control plane replaces it with
 * {@code config set cluster <token> <bytes>} (see TextProtocol). A lone node lists itself.
 */
public final class ClusterConfig {
    public static final String LEGACY_KEY = "AmazonElastiCache:cluster";

    private record Snapshot(long version, String nodes, byte[] body) {
    }

    private volatile Snapshot snapshot = new Snapshot(1, "", render(1, ""));

    /** Lists this node alone: its discovery hostname (or host name), its address and port. */
    public void initialise(McSettings settings, InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        String ip;
        String host;
        try {
            InetAddress effective = address.isAnyLocalAddress() ? InetAddress.getLocalHost() : address;
            ip = effective.getHostAddress();
            host = settings.discoveryHostname != null ? settings.discoveryHostname
                    : address.isLoopbackAddress() ? "localhost" : effective.getHostName();
        } catch (UnknownHostException e) {
            ip = "127.0.0.1";
            host = settings.discoveryHostname != null ? settings.discoveryHostname : "localhost";
        }
        String nodes = host + "|" + ip + "|" + bound.getPort();
        snapshot = new Snapshot(1, nodes, render(1, nodes));
    }

    /** The config body: version line, node line, each ended by a newline. */
    public byte[] body() {
        return snapshot.body();
    }

    /**
     * Replaces the node list; returns an error message for a malformed list, else null. The data is either the node
     * list alone (the version is bumped) or, as {@code config get cluster} shows it, a version line and then the node
     * list: the control plane owns the version, so a restarted node serves the same one as its peers.
     */
    public synchronized String set(String data) {
        long version = snapshot.version() + 1;
        String nodes = data;
        int newline = data.indexOf('\n');
        if (newline > 0 && data.substring(0, newline).strip().matches("\\d{1,18}")) {
            version = Long.parseLong(data.substring(0, newline).strip());
            nodes = data.substring(newline + 1);
        }
        String normalised = nodes.strip().replaceAll("\\s+", " ");
        if (normalised.isEmpty()) {
            return "empty node list";
        }
        for (String entry : normalised.split(" ")) {
            String[] parts = entry.split("\\|", -1);
            if (parts.length != 3 || parts[0].isEmpty() && parts[1].isEmpty()) {
                return "bad node entry (expected host|ip|port)";
            }
            try {
                int port = Integer.parseInt(parts[2]);
                if (port < 1 || port > 65535) {
                    return "bad port in node entry";
                }
            } catch (NumberFormatException e) {
                return "bad port in node entry";
            }
        }
        snapshot = new Snapshot(version, normalised, render(version, normalised));
        return null;
    }

    private static byte[] render(long version, String nodes) {
        return (version + "\n" + nodes + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
