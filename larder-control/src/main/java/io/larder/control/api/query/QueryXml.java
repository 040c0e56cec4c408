package io.larder.control.api.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.larder.control.api.ApiException;
import io.larder.control.api.Shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link Shapes}' maps as the Query protocol's XML: the same field names, each list's elements wrapped
 * in botocore's member name ({@code <CacheClusters><CacheCluster>..}), nulls left out, the result inside
 * {@code <ActionResponse xmlns=..><ActionResult>} followed by {@code <ResponseMetadata><RequestId>}.
 */
public final class QueryXml {
    public static final String NAMESPACE = "http://elasticache.amazonaws.com/doc/2015-02-02/";
    /** Each list field's member element, from botocore's elasticache 2015-02-02 service model. */
    static final Map<String, String> LIST_MEMBERS = Map.of(
            "CacheClusters", "CacheCluster",
            "CacheNodes", "CacheNode",
            "CacheNodeIdsToRemove", "CacheNodeId",
            "CacheNodeIdsToReboot", "CacheNodeId",
            "Events", "Event",
            "CacheEngineVersions", "CacheEngineVersion",
            "CacheParameterGroups", "CacheParameterGroup",
            "Parameters", "Parameter");
    private static final XmlMapper XML = new XmlMapper();

    private QueryXml() {
    }

    /** @param result the operation's result fields, or null for an operation without output (DeleteCacheParameterGroup) */
    public static byte[] response(String action, Map<String, Object> result, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (result != null) {
            body.put(action + "Result", result);
        }
        body.put("ResponseMetadata", Map.of("RequestId", requestId));
        return write(action + "Response", body);
    }

    /** ElastiCache's error document; the Type is Receiver for the service's own failures. */
    public static byte[] error(ApiException e, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Error", Shapes.error(e).get("Error"));
        body.put("RequestId", requestId);
        return write("ErrorResponse", body);
    }

    private static byte[] write(String root, Map<String, Object> body) {
        try {
            return XML.writer().withRootName(PropertyName.construct(root, NAMESPACE))
                    .writeValueAsBytes(tree(root, body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same values with nulls dropped and every list under its member name (Jackson repeats that element). */
    private static Object tree(String name, Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put((String) k, tree((String) k, v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            String member = LIST_MEMBERS.get(name);
            if (member == null) {
                throw new IllegalStateException("No Query member name for the list " + name);
            }
            List<Object> elements = new ArrayList<>(list.size());
            list.forEach(e -> elements.add(tree(member, e)));
            return Map.of(member, elements);
        }
        return value;
    }
}
