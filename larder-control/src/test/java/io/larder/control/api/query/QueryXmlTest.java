package io.larder.control.api.query;

import io.larder.control.api.ApiException;
import io.larder.control.api.Shapes;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.ClusterStatus;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.NodeType;
import io.larder.control.model.PendingModifications;
import io.larder.control.service.ParameterSync;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The XML rendering against botocore's elasticache 2015-02-02 shapes: the response element and its namespace, the
 * resultWrapper, list wrappers with their member names (CacheClusterList: CacheCluster, CacheNodeList: CacheNode,
 * CacheNodeIdsList: CacheNodeId, ParametersList: Parameter), scalars as text, the ErrorResponse document.
 */
class QueryXmlTest {
    private static Element parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        return d.getDocumentElement();
    }

    /** The child elements of e, in order. */
    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<String> names(Element e) {
        return children(e).stream().map(Element::getLocalName).toList();
    }

    private static Element child(Element e, String name) {
        List<Element> found = children(e).stream().filter(c -> c.getLocalName().equals(name)).toList();
        assertThat(found).as("one <%s> in <%s>", name, e.getLocalName()).hasSize(1);
        return found.get(0);
    }

    private static String text(Element e, String name) {
        return child(e, name).getTextContent();
    }

    @Test
    void describeCacheClustersRendersBotocoreShape() throws Exception {
        CacheCluster c = new CacheCluster("mc", Engine.MEMCACHED, "1.6.22", NodeType.SMALL, 2, 1,
                ClusterStatus.MODIFYING, null, "default.memcached1.6", 0, 1_800_000_000_000L);
        List<CacheNode> nodes = List.of(new CacheNode("mc", "0001", NodeStatus.AVAILABLE, 7400, 0, 1_800_000_000_000L),
                new CacheNode("mc", "0002", NodeStatus.DELETING, 7401, 0, 1_800_000_000_000L));
        ParameterSync.ClusterState params = new ParameterSync.ClusterState(ParameterSync.PENDING_REBOOT,
                List.of("0001", "0002"), Map.of("0001", ParameterSync.PENDING_REBOOT));
        Map<String, Object> cluster = Shapes.cacheCluster(c, nodes, "127.0.0.1", true, params,
                new PendingModifications(null, null, List.of()));
        Element root = parse(QueryXml.response("DescribeCacheClusters", Map.of("CacheClusters", List.of(cluster)),
                "req-1"));

        assertThat(root.getLocalName()).isEqualTo("DescribeCacheClustersResponse");
        assertThat(root.getNamespaceURI()).isEqualTo("http://elasticache.amazonaws.com/doc/2015-02-02/");
        assertThat(names(root)).containsExactly("DescribeCacheClustersResult", "ResponseMetadata");
        assertThat(text(child(root, "ResponseMetadata"), "RequestId")).isEqualTo("req-1");
        Element clusters = child(child(root, "DescribeCacheClustersResult"), "CacheClusters");
        assertThat(names(clusters)).containsExactly("CacheCluster");
        Element x = child(clusters, "CacheCluster");
        assertThat(text(x, "CacheClusterId")).isEqualTo("mc");
        assertThat(text(x, "NumCacheNodes")).isEqualTo("2");
        assertThat(text(x, "CacheClusterCreateTime")).isEqualTo("2027-01-15T08:00:00Z");
        assertThat(text(x, "AuthTokenEnabled")).isEqualTo("false");
        assertThat(text(child(x, "ConfigurationEndpoint"), "Port")).isEqualTo("7400");

        Element pending = child(x, "PendingModifiedValues");
        assertThat(text(pending, "NumCacheNodes")).isEqualTo("1");
        assertThat(names(child(pending, "CacheNodeIdsToRemove"))).containsExactly("CacheNodeId");
        assertThat(text(child(pending, "CacheNodeIdsToRemove"), "CacheNodeId")).isEqualTo("0002");

        Element group = child(x, "CacheParameterGroup");
        assertThat(text(group, "ParameterApplyStatus")).isEqualTo("pending-reboot");
        assertThat(children(child(group, "CacheNodeIdsToReboot")).stream().map(Element::getTextContent).toList())
                .containsExactly("0001", "0002");
        assertThat(names(child(group, "CacheNodeIdsToReboot"))).containsOnly("CacheNodeId");

        Element list = child(x, "CacheNodes");
        assertThat(names(list)).containsExactly("CacheNode", "CacheNode");
        Element second = children(list).get(1);
        assertThat(text(second, "CacheNodeId")).isEqualTo("0002");
        assertThat(text(child(second, "Endpoint"), "Address")).isEqualTo("127.0.0.1");
        assertThat(text(children(list).get(0), "ParameterGroupStatus")).isEqualTo("pending-reboot");
    }

    @Test
    void emptyListsAreEmptyWrappersAndNullsAreLeftOut() throws Exception {
        Element root = parse(QueryXml.response("DescribeCacheClusters", Map.of("CacheClusters", List.of()), "r"));
        assertThat(children(child(child(root, "DescribeCacheClustersResult"), "CacheClusters"))).isEmpty();

        // memcached's parameters have no AllowedValues at times and descriptions may be absent: nothing is written.
        var p = DefaultParameters.of(Engine.MEMCACHED).get(0).withValue(null, "user");
        Element param = child(child(child(parse(QueryXml.response("DescribeCacheParameters",
                Map.of("Parameters", List.of(Shapes.parameter(p, Engine.MEMCACHED))), "r")),
                "DescribeCacheParametersResult"), "Parameters"), "Parameter");
        assertThat(names(param)).doesNotContain("ParameterValue").contains("ParameterName", "IsModifiable", "ChangeType");
    }

    @Test
    void anOperationWithoutOutputHasOnlyItsMetadata() throws Exception {
        Element root = parse(QueryXml.response("DeleteCacheParameterGroup", null, "r-2"));
        assertThat(root.getLocalName()).isEqualTo("DeleteCacheParameterGroupResponse");
        assertThat(names(root)).containsExactly("ResponseMetadata");
    }

    @Test
    void errorsAreElastiCacheErrorResponses() throws Exception {
        Element root = parse(QueryXml.error(ApiException.clusterNotFound("nope"), "r-3"));
        assertThat(root.getLocalName()).isEqualTo("ErrorResponse");
        assertThat(names(root)).containsExactly("Error", "RequestId");
        Element error = child(root, "Error");
        assertThat(names(error)).containsExactly("Type", "Code", "Message");
        assertThat(text(error, "Type")).isEqualTo("Sender");
        assertThat(text(error, "Code")).isEqualTo("CacheClusterNotFound");
        assertThat(text(error, "Message")).isEqualTo("CacheCluster nope not found.");
        assertThat(text(root, "RequestId")).isEqualTo("r-3");
        assertThat(text(child(parse(QueryXml.error(new ApiException("InternalFailure", 500, "x"), "r")), "Error"),
                "Type")).isEqualTo("Receiver");
    }

    @Test
    void textIsEscaped() throws Exception {
        Element root = parse(QueryXml.error(ApiException.invalidValue("Invalid '<&>' value"), "r"));
        assertThat(text(child(root, "Error"), "Message")).isEqualTo("Invalid '<&>' value");
    }

    @Test
    void aListWithoutABotocoreMemberNameIsAProgrammingError() {
        assertThatThrownBy(() -> QueryXml.response("X", Map.of("Unknown", List.of("a")), "r"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unknown");
    }
}
