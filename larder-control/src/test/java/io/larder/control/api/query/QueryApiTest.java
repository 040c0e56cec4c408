package io.larder.control.api.query;

import io.larder.control.api.ApiServer;
import io.larder.control.events.EventLog;
import io.larder.control.provision.PortAllocator;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ClusterService;
import io.larder.control.service.ParameterGroupService;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Query endpoint over HTTP on the API port, without node processes (nothing carries the clusters out): what
 * each call records and answers, and its refusals with their HTTP statuses.
 */
class QueryApiTest {
    @TempDir
    Path dir;
    private Store store;
    private ApiServer api;
    private HttpClient http;
    private int port;

    record Answer(int status, String contentType, Element xml) {
        /** The text of the first element of that name anywhere below the root. */
        String text(String name) {
            NodeList l = xml.getElementsByTagNameNS("*", name);
            return l.getLength() == 0 ? null : l.item(0).getTextContent();
        }

        List<String> all(String name) {
            List<String> out = new ArrayList<>();
            NodeList l = xml.getElementsByTagNameNS("*", name);
            for (int i = 0; i < l.getLength(); i++) {
                out.add(l.item(i).getTextContent());
            }
            return out;
        }
    }

    @BeforeEach
    void start() {
        store = JdbcStore.sqlite(dir.resolve("state.db"));
        Clock clock = Clock.systemUTC();
        api = new ApiServer(new ClusterService(store, new Object(), new PortAllocator(26400, 26409), clock),
                new ParameterGroupService(store, new Object(), new EventLog(store, clock)), store, "127.0.0.1", clock,
                () -> "", () -> { }, () -> { }, null, new NodeSecurity(dir.resolve("security")));
        port = api.start("127.0.0.1", 0);
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        api.close();
        store.close();
    }

    private Answer post(String... pairs) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body())).getDocumentElement();
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), root);
    }

    private static void refused(Answer a, int status, String code) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.xml().getLocalName()).isEqualTo("ErrorResponse");
        assertThat(a.text("Code")).isEqualTo(code);
        assertThat(a.text("Type")).isEqualTo("Sender");
        assertThat(a.text("RequestId")).isNotBlank();
    }

    @Test
    void everyOperationOfTheBriefIsAnAction() {
        assertThat(new QueryApi(null, null, null, null, null, null).actions()).containsExactlyInAnyOrder(
                "CreateCacheCluster", "DescribeCacheClusters", "ModifyCacheCluster", "RebootCacheCluster",
                "DeleteCacheCluster", "CreateCacheParameterGroup", "DescribeCacheParameterGroups",
                "ModifyCacheParameterGroup", "ResetCacheParameterGroup", "DeleteCacheParameterGroup",
                "DescribeCacheParameters", "DescribeEngineDefaultParameters", "DescribeEvents",
                "DescribeCacheEngineVersions");
    }

    @Test
    void withCredentialsConfiguredAnUnsignedRequestIsRefused() throws Exception {
        Clock clock = Clock.systemUTC();
        try (ApiServer signed = new ApiServer(new ClusterService(store, new Object(), new PortAllocator(26410, 26419),
                clock), new ParameterGroupService(store, new Object(), new EventLog(store, clock)), store, "127.0.0.1",
                clock, () -> "", () -> { }, () -> { }, new SigV4.Credentials("AKIDEXAMPLE", "secret"),
                new NodeSecurity(dir.resolve("security")))) {
            int unsignedPort = port;
            port = signed.start("127.0.0.1", 0);
            refused(post("Action", "DescribeCacheClusters"), 403, "MissingAuthenticationToken");
            port = unsignedPort;
        }
        // The server without credentials answers the same request.
        assertThat(post("Action", "DescribeCacheClusters").status()).isEqualTo(200);
    }

    @Test
    void unknownAndMissingActionsAreRefused() throws Exception {
        Answer unknown = post("Action", "DescribeReplicationGroups", "Version", "2015-02-02");
        refused(unknown, 400, "InvalidAction");
        assertThat(unknown.contentType()).startsWith("text/xml");
        refused(post("Version", "2015-02-02"), 400, "MissingAction");
    }

    @Test
    void clustersAreCreatedDescribedAndRefusedWithElastiCacheCodes() throws Exception {
        Answer created = post("Action", "CreateCacheCluster", "Version", "2015-02-02", "CacheClusterId", "Q-One",
                "Engine", "memcached", "NumCacheNodes", "2");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.xml().getLocalName()).isEqualTo("CreateCacheClusterResponse");
        assertThat(created.text("CacheClusterId")).isEqualTo("q-one");
        assertThat(created.text("CacheClusterStatus")).isEqualTo("creating");
        assertThat(created.text("NumCacheNodes")).isEqualTo("2");
        assertThat(store.cluster("q-one")).isPresent();

        Answer described = post("Action", "DescribeCacheClusters", "CacheClusterId", "q-one", "ShowCacheNodeInfo", "true");
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.all("CacheNodeId")).containsExactly("0001", "0002");
        assertThat(post("Action", "DescribeCacheClusters").all("CacheClusterId")).containsExactly("q-one");
        assertThat(post("Action", "DescribeCacheClusters", "CacheClusterId", "q-one").all("CacheNode")).isEmpty();

        refused(post("Action", "DescribeCacheClusters", "CacheClusterId", "q-two"), 404, "CacheClusterNotFound");
        refused(post("Action", "CreateCacheCluster", "CacheClusterId", "q-one", "Engine", "memcached"), 400,
                "CacheClusterAlreadyExists");
        refused(post("Action", "CreateCacheCluster", "CacheClusterId", "q-", "Engine", "memcached"), 400,
                "InvalidParameterValue");
        refused(post("Action", "CreateCacheCluster", "CacheClusterId", "q-three", "NumCacheNodes", "two"), 400,
                "InvalidParameterValue");
        // Still creating: nothing may change it yet.
        refused(post("Action", "ModifyCacheCluster", "CacheClusterId", "q-one", "NumCacheNodes", "1",
                "CacheNodeIdsToRemove.CacheNodeId.1", "0002", "ApplyImmediately", "true"), 400, "InvalidCacheClusterState");
        assertThat(store.clusters()).hasSize(1);
    }

    @Test
    void parameterGroupsRoundTripWithNestedListMembers() throws Exception {
        Answer created = post("Action", "CreateCacheParameterGroup", "CacheParameterGroupName", "qp",
                "CacheParameterGroupFamily", "redis7", "Description", "Query & XML <test>");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.text("Description")).isEqualTo("Query & XML <test>");
        refused(post("Action", "CreateCacheParameterGroup", "CacheParameterGroupName", "qp",
                "CacheParameterGroupFamily", "redis7", "Description", "x"), 400, "CacheParameterGroupAlreadyExists");

        Answer modified = post("Action", "ModifyCacheParameterGroup", "CacheParameterGroupName", "qp",
                "ParameterNameValues.ParameterNameValue.1.ParameterName", "maxmemory-policy",
                "ParameterNameValues.ParameterNameValue.1.ParameterValue", "allkeys-lru",
                "ParameterNameValues.ParameterNameValue.2.ParameterName", "timeout",
                "ParameterNameValues.ParameterNameValue.2.ParameterValue", "300");
        assertThat(modified.status()).isEqualTo(200);
        assertThat(modified.xml().getLocalName()).isEqualTo("ModifyCacheParameterGroupResponse");
        assertThat(modified.text("CacheParameterGroupName")).isEqualTo("qp");
        Answer user = post("Action", "DescribeCacheParameters", "CacheParameterGroupName", "qp", "Source", "user");
        assertThat(user.all("ParameterName")).containsExactlyInAnyOrder("maxmemory-policy", "timeout");
        assertThat(user.all("ParameterValue")).containsExactlyInAnyOrder("allkeys-lru", "300");

        assertThat(post("Action", "ResetCacheParameterGroup", "CacheParameterGroupName", "qp",
                "ParameterNameValues.ParameterNameValue.1.ParameterName", "timeout").status()).isEqualTo(200);
        assertThat(post("Action", "DescribeCacheParameters", "CacheParameterGroupName", "qp", "Source", "user")
                .all("ParameterName")).containsExactly("maxmemory-policy");

        refused(post("Action", "ModifyCacheParameterGroup", "CacheParameterGroupName", "qp"), 400, "MissingParameter");
        refused(post("Action", "DescribeCacheParameters", "CacheParameterGroupName", "nope"), 404,
                "CacheParameterGroupNotFound");

        Answer deleted = post("Action", "DeleteCacheParameterGroup", "CacheParameterGroupName", "qp");
        assertThat(deleted.status()).isEqualTo(200);
        List<String> children = new ArrayList<>();
        for (Node n = deleted.xml().getFirstChild(); n != null; n = n.getNextSibling()) {
            children.add(n.getLocalName());
        }
        assertThat(children).containsExactly("ResponseMetadata");
        assertThat(post("Action", "DescribeCacheParameterGroups").all("CacheParameterGroupName"))
                .containsExactlyInAnyOrder("default.redis7", "default.memcached1.6");
    }

    @Test
    void engineVersionsDefaultsAndEvents() throws Exception {
        assertThat(post("Action", "DescribeCacheEngineVersions").all("Engine")).containsExactly("redis", "memcached");
        assertThat(post("Action", "DescribeCacheEngineVersions", "CacheParameterGroupFamily", "memcached1.6")
                .all("Engine")).containsExactly("memcached");
        Answer defaults = post("Action", "DescribeEngineDefaultParameters", "CacheParameterGroupFamily", "redis7");
        assertThat(defaults.text("CacheParameterGroupFamily")).isEqualTo("redis7");
        assertThat(defaults.all("Parameter").size()).isGreaterThan(1);
        refused(post("Action", "DescribeEngineDefaultParameters", "CacheParameterGroupFamily", "redis2"), 400,
                "InvalidParameterValue");

        assertThat(post("Action", "DescribeEvents").all("Event")).isEmpty();
        refused(post("Action", "DescribeEvents", "MaxRecords", "5"), 400, "InvalidParameterValue");
        refused(post("Action", "DescribeEvents", "StartTime", "2026-11-27T00:00:00Z", "Duration", "10"), 400,
                "InvalidParameterCombination");
    }
}
