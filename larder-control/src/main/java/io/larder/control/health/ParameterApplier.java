package io.larder.control.health;

import io.larder.control.events.EventLog;
import io.larder.control.metrics.NodeStats;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ParameterSync;
import io.larder.control.store.Store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings running Redis nodes in line with their parameter group's immediate parameters: CONFIG SET (after AUTH when
 * the cluster has a token) of each value that differs from what the node runs with, which is then recorded. A node
 * that cannot be reached is tried again on the next round; a value the node refuses is reported in an event and
 * recorded, so it is not retried forever (the node takes it at its next start, from its config file).
 */
final class ParameterApplier {
    private static final System.Logger LOG = System.getLogger(ParameterApplier.class.getName());
    private final Store store;
    private final ParameterSync sync;
    private final EventLog events;
    private final String address;
    private final int timeoutMillis;
    private final NodeSecurity security;

    ParameterApplier(Store store, EventLog events, String address, int timeoutMillis, NodeSecurity security) {
        this.security = security;
        this.store = store;
        this.sync = new ParameterSync(store);
        this.events = events;
        this.address = address;
        this.timeoutMillis = timeoutMillis;
    }

    /** Applies pending immediate changes to one available node of {@code c}. */
    void apply(CacheCluster c, CacheNode n) {
        if (c.engine() != Engine.REDIS) {
            return;
        }
        Map<String, String> running = sync.running(c, n);
        Map<String, String> changes = ParameterSync.immediateChanges(c.engine(), running,
                sync.effective(c.engine(), c.parameterGroup()));
        if (changes.isEmpty()) {
            return;
        }
        Map<String, String> refused;
        try {
            refused = configSet(n.port(), c.security().transitEncryption(), c.authToken(), changes);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "cannot apply parameters to {0}/{1} yet: {2}", c.id(), n.nodeId(), e);
            return;
        }
        Map<String, String> now = new LinkedHashMap<>(running);
        now.putAll(changes);
        store.setNodeParameters(c.id(), n.nodeId(), now);
        List<String> applied = new ArrayList<>(changes.keySet());
        applied.removeAll(refused.keySet());
        if (!applied.isEmpty()) {
            events.cluster(c.id(), EventLog.parametersApplied(n.nodeId(), applied));
        }
        refused.forEach((name, why) -> events.cluster(c.id(), EventLog.parameterApplyFailed(n.nodeId(), name, why)));
    }

    /** @return the parameters the node refused, with its error */
    private Map<String, String> configSet(int port, boolean tls, String token, Map<String, String> values)
            throws IOException {
        try (Socket s = security.connect(address, port, tls, timeoutMillis)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (token != null) {
                out.write(NodeStats.resp("AUTH", token));
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                out.write(NodeStats.resp("CONFIG", "SET", e.getKey(), e.getValue()));
            }
            out.flush();
            if (token != null) {
                String ok = NodeStats.line(in);
                if (!ok.equals("+OK")) {
                    throw new IOException("AUTH refused: " + ok);
                }
            }
            Map<String, String> refused = new LinkedHashMap<>();
            for (String name : values.keySet()) {
                String reply = NodeStats.line(in);
                if (!reply.equals("+OK")) {
                    refused.put(name, reply.startsWith("-") ? reply.substring(1) : reply);
                }
            }
            return refused;
        }
    }
}
