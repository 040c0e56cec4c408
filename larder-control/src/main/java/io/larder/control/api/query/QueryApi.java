package io.larder.control.api.query;

import io.javalin.http.Context;
import io.larder.control.api.ApiException;
import io.larder.control.api.ClusterView;
import io.larder.control.api.EventQuery;
import io.larder.control.api.Shapes;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.Parameter;
import io.larder.control.service.ClusterService;
import io.larder.control.service.ParameterGroupService;
import io.larder.control.store.Store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ElastiCache's own wire protocol, AWS Query, on the API port: {@code POST /} with form fields
 * {@code Action=DescribeCacheClusters&Version=2015-02-02&...}, answered in XML. Each Action calls the services the
 * REST API calls and renders the same {@link Shapes}, so the unchanged AWS CLI and SDKs manage Larder's caches.
 * <p>
 * With credentials configured ({@code up --aws-access-key-id --aws-secret-access-key}) every request must carry a
 * valid SigV4 signature made with them; without, any (or no) signature is accepted, as on the REST API.
 */
public final class QueryApi {
    /** An Action: its result fields, or null for an operation without output. */
    private interface Operation {
        Map<String, Object> call(QueryRequest r);
    }

    private final ClusterService clusters;
    private final ParameterGroupService groups;
    private final ClusterView view;
    private final Store store;
    private final Clock clock;
    private final SigV4 signatures;
    private final Map<String, Operation> operations = new LinkedHashMap<>();

    /** @param signatures checks each request's signature, or null to accept any */
    public QueryApi(ClusterService clusters, ParameterGroupService groups, ClusterView view, Store store, Clock clock,
                    SigV4 signatures) {
        this.clusters = clusters;
        this.groups = groups;
        this.view = view;
        this.store = store;
        this.clock = clock;
        this.signatures = signatures;
        operations.put("CreateCacheCluster", this::createCacheCluster);
        operations.put("DescribeCacheClusters", this::describeCacheClusters);
        operations.put("ModifyCacheCluster", this::modifyCacheCluster);
        operations.put("RebootCacheCluster", this::rebootCacheCluster);
        operations.put("DeleteCacheCluster", this::deleteCacheCluster);
        operations.put("CreateCacheParameterGroup", this::createCacheParameterGroup);
        operations.put("DescribeCacheParameterGroups", this::describeCacheParameterGroups);
        operations.put("ModifyCacheParameterGroup", this::modifyCacheParameterGroup);
        operations.put("ResetCacheParameterGroup", this::resetCacheParameterGroup);
        operations.put("DeleteCacheParameterGroup", this::deleteCacheParameterGroup);
        operations.put("DescribeCacheParameters", this::describeCacheParameters);
        operations.put("DescribeEngineDefaultParameters", this::describeEngineDefaultParameters);
        operations.put("DescribeEvents", this::describeEvents);
        operations.put("DescribeCacheEngineVersions", this::describeCacheEngineVersions);
    }

    /** The Actions answered, in the order above. */
    public List<String> actions() {
        return List.copyOf(operations.keySet());
    }

    public void handle(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.header("x-amzn-RequestId", requestId).contentType("text/xml");
        try {
            if (signatures != null) {
                signatures.verify(new SigV4.Request(ctx.method().name(), ctx.path(), ctx.queryString(), ctx::header,
                        ctx.bodyAsBytes()), clock.instant());
            }
            QueryRequest r = QueryRequest.of(ctx.formParamMap());
            String action = r.string("Action");
            if (action == null) {
                throw new ApiException("MissingAction", 400, "The request must contain the parameter Action.");
            }
            Operation op = operations.get(action);
            if (op == null) {
                throw new ApiException("InvalidAction", 400, "The action " + action + " is not valid for this endpoint.");
            }
            ctx.status(200).result(QueryXml.response(action, op.call(r), requestId));
        } catch (ApiException e) {
            ctx.status(e.httpStatus()).result(QueryXml.error(e, requestId));
        } catch (RuntimeException e) {
            ctx.status(500).result(QueryXml.error(new ApiException("InternalFailure", 500, String.valueOf(e)), requestId));
        }
    }

    private Map<String, Object> createCacheCluster(QueryRequest r) {
        CacheCluster c = clusters.create(new ClusterService.CreateRequest(r.string("CacheClusterId"),
                r.string("Engine"), r.string("EngineVersion"), r.string("CacheNodeType"), r.integer("NumCacheNodes"),
                r.string("AuthToken"), r.integer("Port"), r.string("CacheParameterGroupName"),
                r.bool("TransitEncryptionEnabled"), null));
        return cluster(c);
    }

    private Map<String, Object> describeCacheClusters(QueryRequest r) {
        boolean nodes = Boolean.TRUE.equals(r.bool("ShowCacheNodeInfo"));
        List<Object> out = new ArrayList<>();
        clusters.describe(r.string("CacheClusterId")).forEach(c -> out.add(view.render(c, nodes)));
        return Map.of("CacheClusters", out);
    }

    private Map<String, Object> modifyCacheCluster(QueryRequest r) {
        CacheCluster c = clusters.modify(r.string("CacheClusterId"), new ClusterService.ModifyRequest(
                r.integer("NumCacheNodes"), r.strings("CacheNodeIdsToRemove", "CacheNodeId"),
                r.bool("ApplyImmediately"), r.string("CacheParameterGroupName")));
        return cluster(c);
    }

    private Map<String, Object> rebootCacheCluster(QueryRequest r) {
        return cluster(clusters.reboot(r.string("CacheClusterId"), r.strings("CacheNodeIdsToReboot", "CacheNodeId")));
    }

    private Map<String, Object> deleteCacheCluster(QueryRequest r) {
        return cluster(clusters.delete(r.string("CacheClusterId")));
    }

    private Map<String, Object> cluster(CacheCluster c) {
        return Map.of("CacheCluster", view.render(c, false));
    }

    private Map<String, Object> createCacheParameterGroup(QueryRequest r) {
        return Map.of("CacheParameterGroup", Shapes.parameterGroup(groups.create(r.string("CacheParameterGroupName"),
                r.string("CacheParameterGroupFamily"), r.string("Description"))));
    }

    private Map<String, Object> describeCacheParameterGroups(QueryRequest r) {
        List<Object> out = new ArrayList<>();
        groups.describe(r.string("CacheParameterGroupName")).forEach(g -> out.add(Shapes.parameterGroup(g)));
        return Map.of("CacheParameterGroups", out);
    }

    private Map<String, Object> modifyCacheParameterGroup(QueryRequest r) {
        List<ParameterGroupService.ParameterNameValue> values = new ArrayList<>();
        List<QueryRequest> given = r.structures("ParameterNameValues", "ParameterNameValue");
        if (given == null) {
            throw ApiException.missing("ParameterNameValues");
        }
        given.forEach(v -> values.add(new ParameterGroupService.ParameterNameValue(v.string("ParameterName"),
                v.string("ParameterValue"))));
        return Map.of("CacheParameterGroupName", groups.modify(r.required("CacheParameterGroupName"), values));
    }

    private Map<String, Object> resetCacheParameterGroup(QueryRequest r) {
        List<QueryRequest> given = r.structures("ParameterNameValues", "ParameterNameValue");
        List<String> names = given == null ? null : given.stream().map(v -> v.string("ParameterName")).toList();
        return Map.of("CacheParameterGroupName", groups.reset(r.required("CacheParameterGroupName"),
                r.bool("ResetAllParameters"), names));
    }

    private Map<String, Object> deleteCacheParameterGroup(QueryRequest r) {
        groups.delete(r.required("CacheParameterGroupName"));
        return null;
    }

    private Map<String, Object> describeCacheParameters(QueryRequest r) {
        String name = r.required("CacheParameterGroupName");
        List<Parameter> parameters = groups.parameters(name, r.string("Source"));
        return Map.of("Parameters", Shapes.parameters(parameters, groups.existing(name).engine()));
    }

    private Map<String, Object> describeEngineDefaultParameters(QueryRequest r) {
        String family = r.string("CacheParameterGroupFamily");
        Engine engine = ParameterGroupService.engineOfFamily(family);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("CacheParameterGroupFamily", family);
        defaults.put("Parameters", Shapes.parameters(DefaultParameters.of(engine), engine));
        return Map.of("EngineDefaults", defaults);
    }

    private Map<String, Object> describeEvents(QueryRequest r) {
        List<Object> out = new ArrayList<>();
        new EventQuery(r.string("SourceIdentifier"), r.string("SourceType"), r.string("StartTime"),
                r.string("EndTime"), r.integer("Duration"), r.integer("MaxRecords"))
                .select(store, clock.millis()).forEach(e -> out.add(Shapes.event(e)));
        return Map.of("Events", out);
    }

    private Map<String, Object> describeCacheEngineVersions(QueryRequest r) {
        List<Object> out = new ArrayList<>();
        Engine.matching(r.string("Engine"), r.string("EngineVersion"), r.string("CacheParameterGroupFamily"))
                .forEach(e -> out.add(Shapes.engineVersion(e)));
        return Map.of("CacheEngineVersions", out);
    }
}
