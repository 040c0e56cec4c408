package io.larder.control.store;

import io.larder.control.model.CacheCluster;
import io.larder.control.model.ClusterSecurity;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.CacheNode;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.MetricSample;
import io.larder.control.model.NodeType;
import io.larder.control.model.PendingModifications;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state store over JDBC, one connection used under a lock. The same SQL runs on SQLite (the embedded default:
 * one WAL file under the data directory) and PostgreSQL ({@code up --store-url jdbc:postgresql://...}); only the
 * table definitions differ a little, in {@link Dialect}.
 */
public final class JdbcStore implements Store {
    private static final String CLUSTER_COLUMNS = "id, engine, engine_version, node_type, num_nodes, pending_num_nodes, "
            + "status, auth_token, parameter_group, port, create_time";
    /** A cluster's row with its security settings (a table of their own, so older stores need no migration). */
    private static final String CLUSTER_SELECT = "SELECT " + CLUSTER_COLUMNS + ", transit_encryption, token_users "
            + "FROM clusters LEFT JOIN cluster_security ON cluster_id = id";
    /** The PostgreSQL advisory lock a control plane holds on its database, so that a second one refuses. */
    private static final long CONTROL_PLANE_LOCK = 0x4c61726465720001L;
    private final String url;
    private final Dialect dialect;
    /** The URL without its password, for messages. */
    private final String where;
    /** Replaced when it is lost (see {@link #failure}); used under this object's lock. */
    private Connection db;

    /** What differs between the databases: how a connection is prepared and how a sequence column is declared. */
    enum Dialect {
        SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"),
        POSTGRES("BIGSERIAL PRIMARY KEY");

        private final String sequenceKey;
        private final List<String> setup;

        Dialect(String sequenceKey, String... setup) {
            this.sequenceKey = sequenceKey;
            this.setup = List.of(setup);
        }
    }

    /** The embedded store in {@code file}. */
    public static JdbcStore sqlite(Path file) {
        return new JdbcStore("jdbc:sqlite:" + file.toAbsolutePath(), Dialect.SQLITE);
    }

    /**
     * A PostgreSQL database ({@code jdbc:postgresql://host:port/db?user=..&password=..}), which holds the state of one
     * control plane: it takes an advisory lock there and refuses to start when another one holds it.
     */
    public static JdbcStore postgres(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a store URL must start with jdbc:postgresql: (got " + url + ")");
        }
        return new JdbcStore(url, Dialect.POSTGRES);
    }

    private JdbcStore(String url, Dialect dialect) {
        this.url = url;
        this.dialect = dialect;
        this.where = url.replaceAll("password=[^&]*", "password=***");
        db = connect();
        try (Statement s = db.createStatement()) {
            for (String setup : dialect.setup) {
                s.execute(setup);
            }
            s.execute("CREATE TABLE IF NOT EXISTS clusters (id TEXT PRIMARY KEY, engine TEXT NOT NULL, "
                    + "engine_version TEXT NOT NULL, node_type TEXT NOT NULL, num_nodes INTEGER NOT NULL, "
                    + "pending_num_nodes INTEGER, status TEXT NOT NULL, auth_token TEXT, parameter_group TEXT NOT NULL, "
                    + "port INTEGER NOT NULL, create_time BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS cluster_security (cluster_id TEXT PRIMARY KEY, "
                    + "transit_encryption INTEGER NOT NULL, token_users TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS nodes (cluster_id TEXT NOT NULL, node_id TEXT NOT NULL, "
                    + "status TEXT NOT NULL, port INTEGER NOT NULL, pid BIGINT NOT NULL, create_time BIGINT NOT NULL, "
                    + "PRIMARY KEY (cluster_id, node_id))");
            s.execute("CREATE TABLE IF NOT EXISTS events (seq " + dialect.sequenceKey + ", "
                    + "source_id TEXT NOT NULL, source_type TEXT NOT NULL, message TEXT NOT NULL, time BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS metrics (cluster_id TEXT NOT NULL, node_id TEXT NOT NULL, "
                    + "name TEXT NOT NULL, time BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS metrics_by_name ON metrics (cluster_id, name, time)");
            s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS parameter_groups (name TEXT PRIMARY KEY, engine TEXT NOT NULL, "
                    + "description TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS parameter_values (group_name TEXT NOT NULL, name TEXT NOT NULL, "
                    + "value TEXT NOT NULL, PRIMARY KEY (group_name, name))");
            s.execute("CREATE TABLE IF NOT EXISTS node_parameters (cluster_id TEXT NOT NULL, node_id TEXT NOT NULL, "
                    + "name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (cluster_id, node_id, name))");
            s.execute("CREATE TABLE IF NOT EXISTS pending_modifications (cluster_id TEXT PRIMARY KEY, "
                    + "parameter_group TEXT, num_nodes INTEGER, node_ids_to_remove TEXT NOT NULL)");
        } catch (SQLException e) {
            closeQuietly(db);
            throw new StoreException("cannot prepare the state store " + where, e);
        }
    }

    /** Opens a connection; on PostgreSQL it also takes the control plane's advisory lock, or refuses. */
    private Connection connect() {
        Connection c;
        try {
            c = DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new StoreException("cannot open the state store " + where, e);
        }
        if (dialect == Dialect.POSTGRES) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + CONTROL_PLANE_LOCK + ")")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    closeQuietly(c);
                    throw new IllegalStateException("another control plane is running on " + where);
                }
            } catch (SQLException e) {
                closeQuietly(c);
                throw new StoreException("cannot lock the state store " + where, e);
            }
        }
        return c;
    }

    /**
     * The exception for a failed call. When the connection itself is lost (a restarted PostgreSQL server), a new one
     * is opened, so the next call works again: the caller retries (the supervisor every tick) instead of failing for
     * ever.
     */
    private StoreException failure(String what, SQLException e) {
        try {
            if (db.isValid(2)) {
                return new StoreException(what, e);
            }
        } catch (SQLException ignored) {
            // Not valid either.
        }
        try {
            Connection fresh = connect();
            closeQuietly(db);
            db = fresh;
        } catch (RuntimeException reopen) {
            e.addSuppressed(reopen);
        }
        return new StoreException(what, e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing is all that is left to do with it.
        }
    }

    @Override
    public synchronized List<CacheCluster> clusters() {
        return queryClusters(CLUSTER_SELECT + " ORDER BY create_time, id");
    }

    @Override
    public synchronized Optional<CacheCluster> cluster(String id) {
        return queryClusters(CLUSTER_SELECT + " WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public synchronized boolean insertCluster(CacheCluster c) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO clusters (" + CLUSTER_COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
            bindCluster(ps, c);
            if (ps.executeUpdate() != 1) {
                return false;
            }
        } catch (SQLException e) {
            throw failure("insert cluster " + c.id(), e);
        }
        if (c.security().equals(ClusterSecurity.NONE)) {
            return true;
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO cluster_security (cluster_id, transit_encryption, "
                + "token_users) VALUES (?,?,?)")) {
            ps.setString(1, c.id());
            ps.setInt(2, c.security().transitEncryption() ? 1 : 0);
            ps.setString(3, String.join(" ", c.security().tokenUsers()));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw failure("insert cluster " + c.id(), e);
        }
    }

    @Override
    public synchronized void updateCluster(CacheCluster c) {
        try (PreparedStatement ps = db.prepareStatement("UPDATE clusters SET id = ?, engine = ?, engine_version = ?, "
                + "node_type = ?, num_nodes = ?, pending_num_nodes = ?, status = ?, auth_token = ?, parameter_group = ?, "
                + "port = ?, create_time = ? WHERE id = ?")) {
            bindCluster(ps, c);
            ps.setString(12, c.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("update cluster " + c.id(), e);
        }
    }

    @Override
    public synchronized void deleteCluster(String id) {
        inTransaction(() -> {
            update("DELETE FROM clusters WHERE id = ?", id);
            update("DELETE FROM cluster_security WHERE cluster_id = ?", id);
            update("DELETE FROM node_parameters WHERE cluster_id = ?", id);
            update("DELETE FROM pending_modifications WHERE cluster_id = ?", id);
        });
    }

    @Override
    public synchronized List<CacheNode> nodes(String clusterId) {
        return queryNodes("SELECT cluster_id, node_id, status, port, pid, create_time FROM nodes WHERE cluster_id = ? "
                + "ORDER BY node_id", clusterId);
    }

    @Override
    public synchronized List<CacheNode> allNodes() {
        return queryNodes("SELECT cluster_id, node_id, status, port, pid, create_time FROM nodes ORDER BY cluster_id, node_id");
    }

    @Override
    public synchronized void upsertNode(CacheNode n) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO nodes (cluster_id, node_id, status, port, pid, "
                + "create_time) VALUES (?,?,?,?,?,?) ON CONFLICT (cluster_id, node_id) DO UPDATE SET status = excluded.status, "
                + "port = excluded.port, pid = excluded.pid")) {
            ps.setString(1, n.clusterId());
            ps.setString(2, n.nodeId());
            ps.setString(3, n.status());
            ps.setInt(4, n.port());
            ps.setLong(5, n.pid());
            ps.setLong(6, n.createTime());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("store node " + n.clusterId() + "/" + n.nodeId(), e);
        }
    }

    @Override
    public synchronized void deleteNode(String clusterId, String nodeId) {
        inTransaction(() -> {
            update("DELETE FROM nodes WHERE cluster_id = ? AND node_id = ?", clusterId, nodeId);
            update("DELETE FROM node_parameters WHERE cluster_id = ? AND node_id = ?", clusterId, nodeId);
        });
    }

    @Override
    public synchronized void addEvent(Event e) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO events (source_id, source_type, message, time) VALUES (?,?,?,?)")) {
            ps.setString(1, e.sourceIdentifier());
            ps.setString(2, e.sourceType());
            ps.setString(3, e.message());
            ps.setLong(4, e.time());
            ps.executeUpdate();
        } catch (SQLException ex) {
            throw failure("record event", ex);
        }
    }

    @Override
    public synchronized List<Event> events(String sourceIdentifier, long since, long until) {
        String sql = "SELECT source_id, source_type, message, time FROM events WHERE time >= ? AND time <= ?"
                + (sourceIdentifier != null ? " AND source_id = ?" : "") + " ORDER BY seq";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setLong(1, since);
            ps.setLong(2, until);
            if (sourceIdentifier != null) {
                ps.setString(3, sourceIdentifier);
            }
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read events", e);
        }
    }

    @Override
    public synchronized void addMetrics(List<MetricSample> samples) {
        inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO metrics (cluster_id, node_id, name, time, value) VALUES (?,?,?,?,?)")) {
                for (MetricSample m : samples) {
                    ps.setString(1, m.clusterId());
                    ps.setString(2, m.nodeId());
                    ps.setString(3, m.name());
                    ps.setLong(4, m.time());
                    ps.setDouble(5, m.value());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw failure("store metrics", e);
            }
        });
    }

    @Override
    public synchronized List<MetricSample> metrics(String clusterId, String nodeId, String name, long from, long to) {
        String sql = "SELECT cluster_id, node_id, name, time, value FROM metrics WHERE cluster_id = ? AND name = ? "
                + "AND time >= ? AND time <= ?" + (nodeId != null ? " AND node_id = ?" : "") + " ORDER BY time";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, clusterId);
            ps.setString(2, name);
            ps.setLong(3, from);
            ps.setLong(4, to);
            if (nodeId != null) {
                ps.setString(5, nodeId);
            }
            List<MetricSample> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MetricSample(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getDouble(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read metrics", e);
        }
    }

    @Override
    public synchronized void pruneMetrics(long before) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM metrics WHERE time < ?")) {
            ps.setLong(1, before);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("prune metrics", e);
        }
    }

    @Override
    public synchronized List<CacheParameterGroup> parameterGroups() {
        return queryGroups("SELECT name, engine, description FROM parameter_groups ORDER BY name");
    }

    @Override
    public synchronized Optional<CacheParameterGroup> parameterGroup(String name) {
        return queryGroups("SELECT name, engine, description FROM parameter_groups WHERE name = ?", name).stream()
                .findFirst();
    }

    @Override
    public synchronized boolean insertParameterGroup(CacheParameterGroup g) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO parameter_groups (name, engine, description) VALUES (?,?,?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, g.name());
            ps.setString(2, g.engine().id());
            ps.setString(3, g.description());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("insert parameter group " + g.name(), e);
        }
    }

    @Override
    public synchronized void deleteParameterGroup(String name) {
        inTransaction(() -> {
            update("DELETE FROM parameter_values WHERE group_name = ?", name);
            update("DELETE FROM parameter_groups WHERE name = ?", name);
        });
    }

    @Override
    public synchronized Map<String, String> parameterValues(String group) {
        return queryValues("SELECT name, value FROM parameter_values WHERE group_name = ? ORDER BY name", group);
    }

    @Override
    public synchronized void setParameterValue(String group, String name, String value) {
        if (value == null) {
            update("DELETE FROM parameter_values WHERE group_name = ? AND name = ?", group, name);
        } else {
            update("INSERT INTO parameter_values (group_name, name, value) VALUES (?,?,?) ON CONFLICT (group_name, name) "
                    + "DO UPDATE SET value = excluded.value", group, name, value);
        }
    }

    @Override
    public synchronized Map<String, String> nodeParameters(String clusterId, String nodeId) {
        return queryValues("SELECT name, value FROM node_parameters WHERE cluster_id = ? AND node_id = ? ORDER BY name",
                clusterId, nodeId);
    }

    @Override
    public synchronized void setNodeParameters(String clusterId, String nodeId, Map<String, String> values) {
        inTransaction(() -> {
            update("DELETE FROM node_parameters WHERE cluster_id = ? AND node_id = ?", clusterId, nodeId);
            values.forEach((name, value) -> update(
                    "INSERT INTO node_parameters (cluster_id, node_id, name, value) VALUES (?,?,?,?)",
                    clusterId, nodeId, name, value));
        });
    }

    @Override
    public synchronized Optional<PendingModifications> pendingModifications(String clusterId) {
        try (PreparedStatement ps = db.prepareStatement("SELECT parameter_group, num_nodes, node_ids_to_remove "
                + "FROM pending_modifications WHERE cluster_id = ?")) {
            ps.setString(1, clusterId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String group = rs.getString(1);
                int num = rs.getInt(2);
                Integer numOrNull = rs.wasNull() ? null : num;
                String remove = rs.getString(3);
                return Optional.of(new PendingModifications(group, numOrNull,
                        remove.isEmpty() ? List.of() : Arrays.asList(remove.split(","))));
            }
        } catch (SQLException e) {
            throw failure("read pending modifications of " + clusterId, e);
        }
    }

    @Override
    public synchronized void setPendingModifications(String clusterId, PendingModifications p) {
        if (p == null) {
            update("DELETE FROM pending_modifications WHERE cluster_id = ?", clusterId);
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO pending_modifications (cluster_id, parameter_group, "
                + "num_nodes, node_ids_to_remove) VALUES (?,?,?,?) ON CONFLICT (cluster_id) DO UPDATE SET "
                + "parameter_group = excluded.parameter_group, num_nodes = excluded.num_nodes, "
                + "node_ids_to_remove = excluded.node_ids_to_remove")) {
            ps.setString(1, clusterId);
            ps.setString(2, p.cacheParameterGroupName());
            if (p.numCacheNodes() == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setInt(3, p.numCacheNodes());
            }
            ps.setString(4, String.join(",", p.cacheNodeIdsToRemove()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("store pending modifications of " + clusterId, e);
        }
    }

    @Override
    public synchronized Optional<String> meta(String key) {
        try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read meta " + key, e);
        }
    }

    @Override
    public synchronized void putMeta(String key, String value) {
        update("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key, value);
    }

    @Override
    public synchronized void deleteMeta(String key) {
        update("DELETE FROM meta WHERE key = ?", key);
    }

    @Override
    public synchronized void inTransaction(Runnable work) {
        try {
            if (!db.getAutoCommit()) {
                work.run();
                return;
            }
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (RuntimeException | Error e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("transaction", e);
        }
    }

    @Override
    public synchronized void close() {
        if (dialect == Dialect.POSTGRES) {
            // The server frees a session's lock only once its backend has gone, which may be after close() returns:
            // a control plane opened right after would find it still held.
            try (Statement s = db.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + CONTROL_PLANE_LOCK + ")");
            } catch (SQLException e) {
                // A lost connection holds no lock any more.
            }
        }
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("close the state store", e);
        }
    }

    private static void bindCluster(PreparedStatement ps, CacheCluster c) throws SQLException {
        ps.setString(1, c.id());
        ps.setString(2, c.engine().id());
        ps.setString(3, c.engineVersion());
        ps.setString(4, c.nodeType().id());
        ps.setInt(5, c.numCacheNodes());
        if (c.pendingNumCacheNodes() == null) {
            ps.setNull(6, Types.INTEGER);
        } else {
            ps.setInt(6, c.pendingNumCacheNodes());
        }
        ps.setString(7, c.status());
        ps.setString(8, c.authToken());
        ps.setString(9, c.parameterGroup());
        ps.setInt(10, c.port());
        ps.setLong(11, c.createTime());
    }

    private List<CacheCluster> queryClusters(String sql, String... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<CacheCluster> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pending = rs.getInt(6);
                    Integer pendingOrNull = rs.wasNull() ? null : pending;
                    out.add(new CacheCluster(rs.getString(1), Engine.parse(rs.getString(2)), rs.getString(3),
                            NodeType.parse(rs.getString(4)), rs.getInt(5), pendingOrNull, rs.getString(7),
                            rs.getString(8), rs.getString(9), rs.getInt(10), rs.getLong(11), security(rs)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read clusters", e);
        }
    }

    /** Columns 12 and 13 of {@link #CLUSTER_SELECT}: null when the cluster has no security row. */
    private static ClusterSecurity security(ResultSet rs) throws SQLException {
        String users = rs.getString(13);
        if (users == null) {
            return ClusterSecurity.NONE;
        }
        return new ClusterSecurity(rs.getInt(12) != 0, users.isEmpty() ? List.of() : List.of(users.split(" ")));
    }

    private List<CacheNode> queryNodes(String sql, String... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<CacheNode> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CacheNode(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getLong(5), rs.getLong(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read nodes", e);
        }
    }

    private List<CacheParameterGroup> queryGroups(String sql, String... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<CacheParameterGroup> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CacheParameterGroup(rs.getString(1), Engine.parse(rs.getString(2)), rs.getString(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read parameter groups", e);
        }
    }

    private Map<String, String> queryValues(String sql, String... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read parameter values", e);
        }
    }

    private void update(String sql, String... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }
}
