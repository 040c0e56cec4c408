package io.larder.control.store;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Event;
import io.larder.control.model.MetricSample;
import io.larder.control.model.PendingModifications;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane's durable state: {@link JdbcStore} on SQLite (embedded, the default) or PostgreSQL.
 */
public interface Store extends AutoCloseable {
    List<CacheCluster> clusters();

    Optional<CacheCluster> cluster(String id);

    /** @return false when a cluster with that id exists already */
    boolean insertCluster(CacheCluster cluster);

    void updateCluster(CacheCluster cluster);

    void deleteCluster(String id);

    List<CacheNode> nodes(String clusterId);

    List<CacheNode> allNodes();

    void upsertNode(CacheNode node);

    void deleteNode(String clusterId, String nodeId);

    void addEvent(Event event);

    /** Events from {@code since} (epoch ms) on, oldest first, optionally of one source only. */
    List<Event> events(String sourceIdentifier, long since, long until);

    void addMetrics(List<MetricSample> samples);

    /** Samples of one metric of a cluster (of one node when {@code nodeId} is given) in [from, to], oldest first. */
    List<MetricSample> metrics(String clusterId, String nodeId, String name, long from, long to);

    /** Drops samples older than {@code before} (the store keeps 24 hours). */
    void pruneMetrics(long before);

    /** The custom parameter groups (the default ones are not stored), by name. */
    List<CacheParameterGroup> parameterGroups();

    Optional<CacheParameterGroup> parameterGroup(String name);

    /** @return false when a group with that name exists already */
    boolean insertParameterGroup(CacheParameterGroup group);

    /** Deletes the group and its values. */
    void deleteParameterGroup(String name);

    /** The values a user set in a custom group, by parameter name (the others keep their defaults). */
    Map<String, String> parameterValues(String group);

    /** Sets a user value, or removes it (back to the default) when {@code value} is null. */
    void setParameterValue(String group, String name, String value);

    /** The parameter values a node runs with (started with, then changed live); empty when never recorded. */
    Map<String, String> nodeParameters(String clusterId, String nodeId);

    void setNodeParameters(String clusterId, String nodeId, Map<String, String> values);

    /** Modifications waiting for the cluster's next reboot. */
    Optional<PendingModifications> pendingModifications(String clusterId);

    /** Records them, or clears them when {@code pending} is null. */
    void setPendingModifications(String clusterId, PendingModifications pending);

    Optional<String> meta(String key);

    /** Runs {@code work} as one transaction: every write in it lands, or none does. Nested calls join the outer one. */
    void inTransaction(Runnable work);

    void putMeta(String key, String value);

    void deleteMeta(String key);

    @Override
    void close();
}
