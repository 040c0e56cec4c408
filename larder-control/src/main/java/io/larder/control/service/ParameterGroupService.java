package io.larder.control.service;

import io.larder.control.api.ApiException;
import io.larder.control.events.EventLog;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.Ids;
import io.larder.control.model.Parameter;
import io.larder.control.model.ParameterValues;
import io.larder.control.store.Store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API's operations on cache parameter groups. Like {@link ClusterService}, each one validates the whole request
 * before writing anything, under the control-plane lock. Changing a group in use writes only the group: the
 * supervisor then applies its immediate parameters to the running nodes and leaves the others pending a reboot.
 */
public final class ParameterGroupService {
    /** ElastiCache's limit of parameters per ModifyCacheParameterGroup / ResetCacheParameterGroup call. */
    public static final int MAX_PARAMETERS_PER_CALL = 20;
    private static final Set<String> SOURCES = Set.of(Parameter.USER, Parameter.SYSTEM, Parameter.ENGINE_DEFAULT);
    private final Store store;
    private final Object lock;
    private final EventLog events;
    private final ParameterSync sync;

    public ParameterGroupService(Store store, Object lock, EventLog events) {
        this.store = store;
        this.lock = lock;
        this.events = events;
        this.sync = new ParameterSync(store);
    }

    public record ParameterNameValue(String name, String value) {
    }

    public CacheParameterGroup create(String rawName, String family, String description) {
        String name = Ids.parameterGroupName(rawName);
        if (family == null) {
            throw ApiException.missing("CacheParameterGroupFamily");
        }
        Engine engine = engineOfFamily(family);
        if (description == null) {
            throw ApiException.missing("Description");
        }
        CacheParameterGroup g = new CacheParameterGroup(name, engine, description);
        synchronized (lock) {
            if (!store.insertParameterGroup(g)) {
                throw ApiException.parameterGroupExists(name);
            }
        }
        return g;
    }

    /** One group, or every group (the defaults first) when {@code name} is null. */
    public List<CacheParameterGroup> describe(String name) {
        if (name != null) {
            return List.of(existing(name));
        }
        List<CacheParameterGroup> out = new ArrayList<>();
        for (Engine e : Engine.values()) {
            out.add(CacheParameterGroup.defaultOf(e));
        }
        out.addAll(store.parameterGroups());
        return out;
    }

    public String modify(String name, List<ParameterNameValue> values) {
        if (values == null || values.isEmpty()) {
            throw ApiException.missing("ParameterNameValues");
        }
        if (values.size() > MAX_PARAMETERS_PER_CALL) {
            throw ApiException.invalidCombination("Cannot modify more than " + MAX_PARAMETERS_PER_CALL
                    + " parameters in a single request");
        }
        synchronized (lock) {
            CacheParameterGroup g = modifiable(name);
            Map<String, String> changes = new LinkedHashMap<>();
            for (ParameterNameValue v : values) {
                if (v.name() == null) {
                    throw ApiException.missing("ParameterName");
                }
                Parameter p = parameter(g.engine(), v.name());
                if (!p.modifiable()) {
                    throw ApiException.invalidValue("The parameter " + p.name() + " cannot be modified.");
                }
                ParameterValues.check(p, v.value());
                changes.put(p.name(), v.value());
            }
            store.inTransaction(() -> changes.forEach((n, value) -> store.setParameterValue(g.name(), n, value)));
            announcePendingReboot(g);
            return g.name();
        }
    }

    /** Back to the defaults: every parameter, or the named ones. */
    public String reset(String name, Boolean resetAll, List<String> names) {
        boolean all = Boolean.TRUE.equals(resetAll);
        boolean some = names != null && !names.isEmpty();
        if (all == some) {
            throw ApiException.invalidCombination(all
                    ? "ResetAllParameters and ParameterNameValues cannot both be given."
                    : "Either ResetAllParameters or ParameterNameValues must be given.");
        }
        if (some && names.size() > MAX_PARAMETERS_PER_CALL) {
            throw ApiException.invalidCombination("Cannot reset more than " + MAX_PARAMETERS_PER_CALL
                    + " parameters in a single request");
        }
        synchronized (lock) {
            CacheParameterGroup g = modifiable(name);
            List<String> reset = new ArrayList<>();
            if (all) {
                reset.addAll(store.parameterValues(g.name()).keySet());
            } else {
                for (String n : names) {
                    reset.add(parameter(g.engine(), n).name());
                }
            }
            store.inTransaction(() -> reset.forEach(n -> store.setParameterValue(g.name(), n, null)));
            announcePendingReboot(g);
            return g.name();
        }
    }

    public void delete(String name) {
        synchronized (lock) {
            CacheParameterGroup g = existing(name);
            if (g.isDefault()) {
                throw ApiException.invalidParameterGroupState("Default parameter group " + g.name()
                        + " cannot be deleted.");
            }
            List<String> users = clustersUsing(g.name()).stream().map(CacheCluster::id).toList();
            if (!users.isEmpty()) {
                throw ApiException.invalidParameterGroupState("One or more cache clusters are still members of "
                        + "this parameter group " + g.name() + ", so the group cannot be deleted (used by "
                        + String.join(", ", users) + ").");
            }
            store.deleteParameterGroup(g.name());
        }
    }

    /** DescribeCacheParameters: every parameter with the group's value and its Source, optionally of one Source. */
    public List<Parameter> parameters(String name, String source) {
        if (source != null && !SOURCES.contains(source)) {
            throw ApiException.invalidValue("Invalid Source " + source + ": expected user, system or engine-default.");
        }
        CacheParameterGroup g = existing(name);
        Map<String, String> user = g.isDefault() ? Map.of() : store.parameterValues(g.name());
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : DefaultParameters.of(g.engine())) {
            String v = user.get(p.name());
            Parameter shown = v == null ? p : p.withValue(v, Parameter.USER);
            if (source == null || source.equals(shown.source())) {
                out.add(shown);
            }
        }
        return out;
    }

    public CacheParameterGroup existing(String rawName) {
        return existing(store, rawName);
    }

    /** The group of that name (a default one included), or CacheParameterGroupNotFound. */
    public static CacheParameterGroup existing(Store store, String rawName) {
        if (rawName == null || rawName.isEmpty()) {
            throw ApiException.missing("CacheParameterGroupName");
        }
        String name = rawName.toLowerCase(Locale.ROOT);
        for (Engine e : Engine.values()) {
            if (name.equals(e.defaultParameterGroup())) {
                return CacheParameterGroup.defaultOf(e);
            }
        }
        return store.parameterGroup(name).orElseThrow(() -> ApiException.parameterGroupNotFound(rawName));
    }

    /** The group for a cluster of {@code engine}: it must exist and be of the engine's family. */
    public static CacheParameterGroup forEngine(Store store, String name, Engine engine) {
        CacheParameterGroup g = existing(store, name);
        if (g.engine() != engine) {
            throw ApiException.invalidCombination("Expected a parameter group of family " + engine.parameterGroupFamily()
                    + " but found one of family " + g.engine().parameterGroupFamily());
        }
        return g;
    }

    private CacheParameterGroup modifiable(String name) {
        CacheParameterGroup g = existing(name);
        if (g.isDefault()) {
            throw ApiException.invalidValue("Cannot modify a default parameter group.");
        }
        return g;
    }

    private static Parameter parameter(Engine engine, String name) {
        Parameter p = DefaultParameters.find(engine, name);
        if (p == null) {
            throw ApiException.invalidValue("Could not find parameter with name: " + name);
        }
        return p;
    }

    /** An event on every cluster whose nodes now wait for a reboot to take a changed requires-reboot parameter. */
    private void announcePendingReboot(CacheParameterGroup g) {
        for (CacheCluster c : clustersUsing(g.name())) {
            Map<String, String> wanted = sync.effective(c.engine(), g.name());
            Set<String> names = new LinkedHashSet<>();
            List<String> nodes = new ArrayList<>();
            for (CacheNode n : store.nodes(c.id())) {
                List<String> changed = ParameterSync.rebootChanges(c.engine(), sync.running(c, n), wanted);
                if (!changed.isEmpty()) {
                    names.addAll(changed);
                    nodes.add(n.nodeId());
                }
            }
            if (!nodes.isEmpty()) {
                events.cluster(c.id(), EventLog.pendingReboot(g.name(), List.copyOf(names), nodes));
            }
        }
    }

    private List<CacheCluster> clustersUsing(String group) {
        return store.clusters().stream()
                .filter(c -> !c.status().equals(ClusterStatus.DELETING))
                .filter(c -> c.parameterGroup().equals(group) || store.pendingModifications(c.id())
                        .map(p -> group.equals(p.cacheParameterGroupName())).orElse(false))
                .toList();
    }

    /** The engine of a CacheParameterGroupFamily ({@code redis7}, {@code memcached1.6}). */
    public static Engine engineOfFamily(String family) {
        if (family == null) {
            throw ApiException.missing("CacheParameterGroupFamily");
        }
        for (Engine e : Engine.values()) {
            if (e.parameterGroupFamily().equals(family)) {
                return e;
            }
        }
        throw ApiException.invalidValue("Invalid CacheParameterGroupFamily " + family + ": expected one of "
                + List.of(Engine.REDIS.parameterGroupFamily(), Engine.MEMCACHED.parameterGroupFamily()) + ".");
    }
}
