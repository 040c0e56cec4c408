package io.larder.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.control.provision.PortAllocator;
import io.larder.control.events.EventLog;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ClusterService;
import io.larder.control.service.ParameterGroupService;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document served at /openapi.json describes exactly the routes the API server registers. */
class OpenApiDocumentTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @TempDir
    Path dir;

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedOneIsRegistered() throws Exception {
        try (Store store = JdbcStore.sqlite(dir.resolve("state.db"));
             ApiServer api = new ApiServer(new ClusterService(store, new Object(), new PortAllocator(24900, 24909),
                     Clock.systemUTC()), new ParameterGroupService(store, new Object(), new EventLog(store, Clock.systemUTC())), store, "127.0.0.1", Clock.systemUTC(), () -> "", () -> { }, () -> { }, null,
                     new NodeSecurity(dir.resolve("security")));
             HttpClient http = HttpClient.newHttpClient()) {
            int port = api.start("127.0.0.1", 0);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            JsonNode doc = ApiServer.JSON.readTree(r.body());
            assertThat(doc.path("openapi").asText()).startsWith("3.");

            Set<String> documented = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                    String method = methods.next();
                    if (HTTP_METHODS.contains(method)) {
                        documented.add(method.toUpperCase() + " " + path.getKey());
                    }
                }
            }
            assertThat(new TreeSet<>(api.routes())).isEqualTo(documented);
        }
    }

    @Test
    void theDocumentIsWellFormed() throws Exception {
        JsonNode doc;
        try (var in = ApiServer.class.getResourceAsStream("openapi.json")) {
            doc = ApiServer.JSON.readTree(in);
        }
        Set<String> operationIds = new HashSet<>();
        for (JsonNode path : doc.path("paths")) {
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                assertThat(op.getValue().path("operationId").asText()).isNotEmpty();
                assertThat(operationIds.add(op.getValue().path("operationId").asText())).as("unique operationId").isTrue();
                assertThat(op.getValue().path("responses").path("200").isObject()).as(op.getKey()).isTrue();
            }
        }
        // Every reference points at something in the document.
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.has("$ref")) {
            out.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, out));
    }
}
