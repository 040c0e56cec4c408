package io.larder.control.discovery;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeStatus;
import io.larder.control.store.Store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ElastiCache auto discovery for memcached clusters. The control plane owns each cluster's node list and its config
 * version, and pushes both to every available node with the token-protected {@code config set cluster}; clients
 * read them from any node (the configuration endpoint is one of them) with {@code config get cluster}.
 * <p>
 * The version lives in the store, so it only ever rises, across control-plane restarts too, and a restarted node is
 * given the version its peers serve rather than starting again from its own. The list holds the nodes that have
 * answered once: a node being added joins when it first answers, a node being removed leaves as its removal
 * starts, and a rebooting or recovering node stays listed, as in ElastiCache.
 */
public final class DiscoveryPublisher {
    /** The variable through which {@code larder memcached} nodes get the token (McSettings reads it). */
    public static final String TOKEN_VARIABLE = "LARDER_DISCOVERY_TOKEN";
    /**
     * The first version the control plane publishes: above the 1 a node serves (itself alone) before its first
     * push, so clients that only take newer versions never prefer that one.
     */
    static final long FIRST_VERSION = 2;
    private static final String META_PREFIX = "discovery/";
    private static final System.Logger LOG = System.getLogger(DiscoveryPublisher.class.getName());

    private final Store store;
    private final String address;
    private final String token;
    private final int timeoutMillis;
    /** cluster/node to the "pid:version" it was last given; a restarted node (another pid) is given it again. */
    private final Map<String, String> pushed = new HashMap<>();
    /** cluster/node to the "pid:version" it last refused, so a refusal is logged once, not every tick. */
    private final Map<String, String> failed = new HashMap<>();

    /**
     * @param address the address clients reach the nodes on (listed as both host and ip)
     * @param token   the secret the nodes were started with
     */
    public DiscoveryPublisher(Store store, String address, String token, int timeoutMillis) {
        this.store = store;
        this.address = address;
        this.token = token;
        this.timeoutMillis = timeoutMillis;
    }

    /** The list a cluster's nodes serve, as {@code config get cluster} shows it. */
    record ClusterList(long version, String nodes) {
        String body() {
            return version + "\n" + nodes + "\n";
        }

        static ClusterList parse(String body) {
            int newline = body.indexOf('\n');
            return new ClusterList(Long.parseLong(body.substring(0, newline)), body.substring(newline + 1).strip());
        }
    }

    /** Brings every memcached cluster's list up to date (a new version when it changed) and gives it to its nodes. */
    public void publish() {
        for (CacheCluster c : store.clusters()) {
            if (c.engine() != Engine.MEMCACHED || c.status().equals(ClusterStatus.DELETING)) {
                continue;
            }
            List<CacheNode> nodes = store.nodes(c.id());
            ClusterList list = update(c.id(), nodes);
            if (list == null) {
                continue;
            }
            for (CacheNode n : nodes) {
                String key = n.clusterId() + "/" + n.nodeId();
                String stamp = n.pid() + ":" + list.version();
                if (n.status().equals(NodeStatus.AVAILABLE) && !stamp.equals(pushed.get(key)) && push(key, n.port(), list, stamp)) {
                    pushed.put(key, stamp);
                }
            }
        }
    }

    /** The cluster's current list, with a new version recorded when its nodes changed; null while none is listed. */
    ClusterList update(String clusterId, List<CacheNode> nodes) {
        String members = nodes.stream().filter(DiscoveryPublisher::listed)
                .map(n -> address + "|" + address + "|" + n.port()).collect(Collectors.joining(" "));
        ClusterList before = store.meta(META_PREFIX + clusterId).map(ClusterList::parse).orElse(null);
        if (members.isEmpty() || before != null && before.nodes().equals(members)) {
            return before;
        }
        ClusterList next = new ClusterList(before == null ? FIRST_VERSION : before.version() + 1, members);
        store.putMeta(META_PREFIX + clusterId, next.body());
        return next;
    }

    /** Forgets a deleted cluster. */
    public void forget(String clusterId) {
        store.deleteMeta(META_PREFIX + clusterId);
        pushed.keySet().removeIf(k -> k.startsWith(clusterId + "/"));
        failed.keySet().removeIf(k -> k.startsWith(clusterId + "/"));
    }

    private static boolean listed(CacheNode n) {
        return switch (n.status()) {
            case NodeStatus.AVAILABLE, NodeStatus.REBOOTING, NodeStatus.RESTARTING -> true;
            default -> false;
        };
    }

    private boolean push(String key, int port, ClusterList list, String stamp) {
        byte[] data = list.body().getBytes(StandardCharsets.US_ASCII);
        String reply;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("config set cluster " + token + " " + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (IOException e) {
            reply = e.toString();
        }
        if ("STORED".equals(reply)) {
            failed.remove(key);
            return true;
        }
        // Said once per node and version: the next tick tries again, quietly.
        if (!stamp.equals(failed.put(key, stamp))) {
            LOG.log(System.Logger.Level.WARNING, "node {0} refused the discovery list: {1}", key, reply);
        }
        return false;
    }
}
