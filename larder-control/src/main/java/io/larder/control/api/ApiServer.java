package io.larder.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.larder.control.api.query.QueryApi;
import io.larder.control.api.query.SigV4;
import io.larder.control.metrics.MetricStatistics;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.Engine;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ClusterService;
import io.larder.control.service.ParameterGroupService;
import io.larder.control.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JSON REST API. Resources and fields mirror ElastiCache's (PascalCase names, {@code {"CacheClusters": [...]}}),
 * refusals carry ElastiCache's fault codes: {@code {"Error": {"Type", "Code", "Message"}}}.
 *
 * <pre>
 * POST   /v1/cache-clusters                   CreateCacheCluster (body: its parameters)
 * GET    /v1/cache-clusters[?CacheClusterId=..&amp;ShowCacheNodeInfo=true]
 * PATCH  /v1/cache-clusters/{id}              ModifyCacheCluster
 * POST   /v1/cache-clusters/{id}/reboot       RebootCacheCluster ({"CacheNodeIdsToReboot": [..]})
 * DELETE /v1/cache-clusters/{id}              DeleteCacheCluster
 * GET    /v1/events[?SourceIdentifier&amp;SourceType&amp;StartTime&amp;EndTime&amp;Duration&amp;MaxRecords]
 * GET    /v1/cache-engine-versions[?Engine&amp;EngineVersion]
 * POST   /v1/cache-parameter-groups                                 CreateCacheParameterGroup
 * GET    /v1/cache-parameter-groups[?CacheParameterGroupName]        DescribeCacheParameterGroups
 * PATCH  /v1/cache-parameter-groups/{name}                          ModifyCacheParameterGroup ({"ParameterNameValues": [..]})
 * POST   /v1/cache-parameter-groups/{name}/reset                    ResetCacheParameterGroup
 * DELETE /v1/cache-parameter-groups/{name}                          DeleteCacheParameterGroup
 * GET    /v1/cache-parameter-groups/{name}/parameters[?Source]      DescribeCacheParameters
 * GET    /v1/engine-default-parameters?CacheParameterGroupFamily    DescribeEngineDefaultParameters
 * GET    /v1/metric-statistics            GetMetricStatistics (?MetricName&CacheClusterId[&CacheNodeId]&StartTime&EndTime&Period&Statistics=Sum,Average)
 * GET    /v1/ca-certificate                   the CA certificate TLS clients trust (Larder's own)
 * POST   /v1/auth-tokens                      a token for a token user ({"CacheClusterId", "UserId", "TtlSeconds"}; Larder's own)
 * GET    /metrics                             Prometheus text: CloudWatch-named metrics per node
 * GET    /openapi.json                        the OpenAPI 3 document of all of these
 * POST   /v1/admin/shutdown                   stops the control plane ({"StopNodes": true} stops the nodes too)
 * POST   /                                    ElastiCache's AWS Query protocol (Action=..., XML answers): {@link QueryApi}
 * </pre>
 */
public final class ApiServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The OpenAPI 3 document of this API, written by hand next to this class. */
    private static final byte[] OPENAPI = openApiDocument();
    private final ClusterService clusters;
    private final ParameterGroupApi groups;
    private final ClusterView view;
    private final QueryApi query;
    private final SecurityApi security;
    private final Store store;
    private final Clock clock;
    private final Supplier<String> metrics;
    private final Runnable shutdown;
    private final Runnable shutdownWithNodes;
    private Javalin app;

    /**
     * @param awsCredentials the key AWS Query requests must be signed with (SigV4), or null to accept any
     * @param nodeSecurity   the control plane's CA and token signing key
     */
    public ApiServer(ClusterService clusters, ParameterGroupService parameterGroups, Store store, String nodeAddress,
                     Clock clock, Supplier<String> metrics, Runnable shutdown, Runnable shutdownWithNodes,
                     SigV4.Credentials awsCredentials, NodeSecurity nodeSecurity) {
        this.clusters = clusters;
        this.security = new SecurityApi(clusters, nodeSecurity, clock);
        this.groups = new ParameterGroupApi(parameterGroups);
        this.view = new ClusterView(clusters, store, nodeAddress);
        this.query = new QueryApi(clusters, parameterGroups, view, store, clock,
                awsCredentials == null ? null : new SigV4(awsCredentials));
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.shutdownWithNodes = shutdownWithNodes;
    }

    /** The routes registered, as "METHOD /path" (for the test that holds the OpenAPI document to them). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    /** @return the port it listens on */
    public int start(String host, int port) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/v1/cache-clusters", guarded(this::createCacheCluster));
            config.routes.get("/v1/cache-clusters", guarded(this::describeCacheClusters));
            config.routes.get("/v1/cache-clusters/{id}", guarded(this::describeCacheCluster));
            config.routes.patch("/v1/cache-clusters/{id}", guarded(this::modifyCacheCluster));
            config.routes.post("/v1/cache-clusters/{id}/reboot", guarded(this::rebootCacheCluster));
            config.routes.delete("/v1/cache-clusters/{id}", guarded(this::deleteCacheCluster));
            config.routes.get("/v1/events", guarded(this::describeEvents));
            config.routes.get("/v1/cache-engine-versions", guarded(this::describeCacheEngineVersions));
            config.routes.post("/v1/admin/shutdown", guarded(this::adminShutdown));
            config.routes.post("/v1/cache-parameter-groups", guarded(groups::create));
            config.routes.get("/v1/cache-parameter-groups", guarded(groups::describe));
            config.routes.patch("/v1/cache-parameter-groups/{name}", guarded(groups::modify));
            config.routes.post("/v1/cache-parameter-groups/{name}/reset", guarded(groups::reset));
            config.routes.delete("/v1/cache-parameter-groups/{name}", guarded(groups::delete));
            config.routes.get("/v1/cache-parameter-groups/{name}/parameters", guarded(groups::describeParameters));
            config.routes.get("/v1/engine-default-parameters", guarded(groups::describeEngineDefaults));
            config.routes.get("/v1/metric-statistics", guarded(this::getMetricStatistics));
            config.routes.get("/v1/ca-certificate", guarded(security::caCertificate));
            config.routes.post("/v1/auth-tokens", guarded(security::authToken));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.get()));
            // The AWS Query protocol (what the AWS CLI and SDKs speak): POST / with an Action form field.
            config.routes.post("/", query::handle);
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(OPENAPI));
        });
        app.start(host, port);
        return app.port();
    }

    private Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (ApiException e) {
                send(ctx, e.httpStatus(), Shapes.error(e));
            } catch (RuntimeException e) {
                send(ctx, 500, Shapes.error(new ApiException("InternalFailure", 500, String.valueOf(e))));
            }
        };
    }

    private void createCacheCluster(Context ctx) {
        JsonNode b = body(ctx);
        CacheCluster c = clusters.create(new ClusterService.CreateRequest(text(b, "CacheClusterId"), text(b, "Engine"),
                text(b, "EngineVersion"), text(b, "CacheNodeType"), integer(b, "NumCacheNodes"), text(b, "AuthToken"),
                integer(b, "Port"), text(b, "CacheParameterGroupName"),
                bool(b, "TransitEncryptionEnabled"), strings(b, "TokenAuthUsers")));
        send(ctx, 200, Map.of("CacheCluster", render(c, false)));
    }

    private void describeCacheClusters(Context ctx) {
        boolean nodes = "true".equalsIgnoreCase(ctx.queryParam("ShowCacheNodeInfo"));
        List<Object> out = new ArrayList<>();
        for (CacheCluster c : clusters.describe(ctx.queryParam("CacheClusterId"))) {
            out.add(render(c, nodes));
        }
        send(ctx, 200, Map.of("CacheClusters", out));
    }

    private void describeCacheCluster(Context ctx) {
        boolean nodes = "true".equalsIgnoreCase(ctx.queryParam("ShowCacheNodeInfo"));
        send(ctx, 200, Map.of("CacheCluster", render(clusters.describe(ctx.pathParam("id")).get(0), nodes)));
    }

    private void modifyCacheCluster(Context ctx) {
        JsonNode b = body(ctx);
        CacheCluster c = clusters.modify(ctx.pathParam("id"), new ClusterService.ModifyRequest(
                integer(b, "NumCacheNodes"), strings(b, "CacheNodeIdsToRemove"), bool(b, "ApplyImmediately"),
                text(b, "CacheParameterGroupName")));
        send(ctx, 200, Map.of("CacheCluster", render(c, false)));
    }

    private void rebootCacheCluster(Context ctx) {
        JsonNode b = body(ctx);
        CacheCluster c = clusters.reboot(ctx.pathParam("id"), strings(b, "CacheNodeIdsToReboot"));
        send(ctx, 200, Map.of("CacheCluster", render(c, false)));
    }

    private void deleteCacheCluster(Context ctx) {
        CacheCluster c = clusters.delete(ctx.pathParam("id"));
        send(ctx, 200, Map.of("CacheCluster", render(c, false)));
    }

    private void describeEvents(Context ctx) {
        List<Object> out = new ArrayList<>();
        new EventQuery(ctx.queryParam("SourceIdentifier"), ctx.queryParam("SourceType"), ctx.queryParam("StartTime"),
                ctx.queryParam("EndTime"), queryInt(ctx, "Duration"), queryInt(ctx, "MaxRecords"))
                .select(store, clock.millis()).forEach(e -> out.add(Shapes.event(e)));
        send(ctx, 200, Map.of("Events", out));
    }

    private void describeCacheEngineVersions(Context ctx) {
        String engine = ctx.queryParam("Engine");
        String version = ctx.queryParam("EngineVersion");
        List<Object> out = new ArrayList<>();
        Engine.matching(engine, version, null).forEach(e -> out.add(Shapes.engineVersion(e)));
        send(ctx, 200, Map.of("CacheEngineVersions", out));
    }

    private void getMetricStatistics(Context ctx) {
        String name = ctx.queryParam("MetricName");
        if (name == null) {
            throw ApiException.missing("MetricName");
        }
        String cluster = ctx.queryParam("CacheClusterId");
        if (cluster == null) {
            throw ApiException.missing("Dimensions (CacheClusterId)");
        }
        String startText = ctx.queryParam("StartTime");
        String endText = ctx.queryParam("EndTime");
        if (startText == null || endText == null) {
            throw ApiException.missing(startText == null ? "StartTime" : "EndTime");
        }
        long start = EventQuery.instant(startText, "StartTime", 0);
        long end = EventQuery.instant(endText, "EndTime", 0);
        if (end <= start) {
            throw ApiException.invalidValue("EndTime must be after StartTime.");
        }
        Integer period = queryInt(ctx, "Period");
        if (period == null) {
            throw ApiException.missing("Period");
        }
        MetricStatistics.checkPeriod(period);
        String statsText = ctx.queryParam("Statistics");
        if (statsText == null) {
            throw ApiException.missing("Statistics");
        }
        List<String> stats = List.of(statsText.split(","));
        for (String s : stats) {
            if (!MetricStatistics.STATISTICS.contains(s)) {
                throw ApiException.invalidValue("Unknown statistic " + s + ": expected " + MetricStatistics.STATISTICS + ".");
            }
        }
        String id = clusters.describe(cluster).get(0).id();
        send(ctx, 200, MetricStatistics.compute(name, store.metrics(id, ctx.queryParam("CacheNodeId"), name, start, end),
                start, period, stats));
    }

    private void adminShutdown(Context ctx) {
        boolean stopNodes = Boolean.TRUE.equals(bool(body(ctx), "StopNodes"));
        // Written and flushed here, not left for Javalin to write after the handler: the shutdown thread stops the
        // HTTP server, which could otherwise close the connection before the answer went out.
        try {
            byte[] answer = JSON.writeValueAsBytes(Map.of("ShuttingDown", true, "StopNodes", stopNodes));
            ctx.res().setStatus(200);
            ctx.res().setContentType("application/json");
            ctx.res().setContentLength(answer.length);
            ctx.res().getOutputStream().write(answer);
            ctx.res().flushBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().name("larder-shutdown").start(stopNodes ? shutdownWithNodes : shutdown);
    }

    private Map<String, Object> render(CacheCluster c, boolean nodes) {
        return view.render(c, nodes);
    }

    static void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (!n.isObject()) {
                throw ApiException.invalidValue("The request body must be a JSON object.");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.invalidValue("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static String text(JsonNode b, String field) {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v instanceof NullNode) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalidValue(field + " must be a string.");
        }
        return v.asText();
    }

    static Integer integer(JsonNode b, String field) {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v instanceof NullNode) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw ApiException.invalidValue(field + " must be an integer.");
        }
        return v.asInt();
    }

    static Boolean bool(JsonNode b, String field) {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v instanceof NullNode) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalidValue(field + " must be true or false.");
        }
        return v.asBoolean();
    }

    static List<String> strings(JsonNode b, String field) {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v instanceof NullNode) {
            return null;
        }
        if (!v.isArray()) {
            throw ApiException.invalidValue(field + " must be a list of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ApiException.invalidValue(field + " must be a list of strings.");
            }
            out.add(e.asText());
        }
        return out;
    }

    static Integer queryInt(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalidValue(name + " must be an integer.");
        }
    }

    private static byte[] openApiDocument() {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
