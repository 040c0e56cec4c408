package io.larder.control.store;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Event;
import io.larder.control.model.MetricSample;

import java.util.List;
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

    Optional<String> meta(String key);

    /** Runs {@code work} as one transaction: every write in it lands, or none does. */
    void inTransaction(Runnable work);

    void putMeta(String key, String value);

    void deleteMeta(String key);

    @Override
    void close();
}
