package io.larder.control.api.query;

import io.larder.control.api.ApiException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decoding the Query protocol's flattened form fields, as botocore's query serializer writes them. */
class QueryRequestTest {

    private static QueryRequest form(String... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], List.of(pairs[i + 1]));
        }
        return QueryRequest.of(m);
    }

    private static String code(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e.code();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void scalarsAreReadTypedAndAbsentOnesAreNull() {
        QueryRequest r = form("Action", "CreateCacheCluster", "NumCacheNodes", "3", "ApplyImmediately", "true",
                "ShowCacheNodeInfo", "false");
        assertThat(r.string("Action")).isEqualTo("CreateCacheCluster");
        assertThat(r.integer("NumCacheNodes")).isEqualTo(3);
        assertThat(r.bool("ApplyImmediately")).isTrue();
        assertThat(r.bool("ShowCacheNodeInfo")).isFalse();
        assertThat(r.string("Engine")).isNull();
        assertThat(r.integer("Port")).isNull();
        assertThat(r.bool("AutoMinorVersionUpgrade")).isNull();
        assertThat(r.strings("CacheNodeIdsToRemove", "CacheNodeId")).isNull();
        assertThat(r.structures("ParameterNameValues", "ParameterNameValue")).isNull();
    }

    @Test
    void badScalarsAndMissingRequiredOnesAreRefused() {
        assertThat(code(() -> form("NumCacheNodes", "two").integer("NumCacheNodes"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("NumCacheNodes", "99999999999").integer("NumCacheNodes")))
                .isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("ApplyImmediately", "yes").bool("ApplyImmediately"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("ApplyImmediately", "TRUE").bool("ApplyImmediately"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form().required("CacheParameterGroupName"))).isEqualTo("MissingParameter");
        assertThatThrownBy(() -> QueryRequest.of(Map.of("Engine", List.of("redis", "memcached"))))
                .isInstanceOf(ApiException.class).hasMessageContaining("Engine");
    }

    @Test
    void stringListsComeInIndexOrderNotFormOrder() {
        QueryRequest r = form("CacheNodeIdsToRemove.CacheNodeId.2", "0003", "CacheNodeIdsToRemove.CacheNodeId.10", "0011",
                "CacheNodeIdsToRemove.CacheNodeId.1", "0002", "CacheNodeIdsToRemove.CacheNodeId.3", "0004",
                "CacheNodeIdsToRemove.CacheNodeId.4", "0005", "CacheNodeIdsToRemove.CacheNodeId.5", "0006",
                "CacheNodeIdsToRemove.CacheNodeId.6", "0007", "CacheNodeIdsToRemove.CacheNodeId.7", "0008",
                "CacheNodeIdsToRemove.CacheNodeId.8", "0009", "CacheNodeIdsToRemove.CacheNodeId.9", "0010");
        assertThat(r.strings("CacheNodeIdsToRemove", "CacheNodeId")).containsExactly("0002", "0003", "0004", "0005",
                "0006", "0007", "0008", "0009", "0010", "0011");
        // Another list's members are not this one's.
        assertThat(r.strings("CacheNodeIdsToReboot", "CacheNodeId")).isNull();
    }

    @Test
    void anEmptyListIsTheBareNameWithAnEmptyValue() {
        assertThat(form("CacheNodeIdsToReboot", "").strings("CacheNodeIdsToReboot", "CacheNodeId")).isEmpty();
    }

    @Test
    void listsOfStructuresAreReadMemberByMember() {
        QueryRequest r = form("Action", "ModifyCacheParameterGroup", "CacheParameterGroupName", "app",
                "ParameterNameValues.ParameterNameValue.2.ParameterName", "max_item_size",
                "ParameterNameValues.ParameterNameValue.1.ParameterName", "chunk_size_growth_factor",
                "ParameterNameValues.ParameterNameValue.1.ParameterValue", "1.5",
                "ParameterNameValues.ParameterNameValue.2.ParameterValue", "2097152");
        List<QueryRequest> values = r.structures("ParameterNameValues", "ParameterNameValue");
        assertThat(values).hasSize(2);
        assertThat(values.get(0).string("ParameterName")).isEqualTo("chunk_size_growth_factor");
        assertThat(values.get(0).string("ParameterValue")).isEqualTo("1.5");
        assertThat(values.get(1).string("ParameterName")).isEqualTo("max_item_size");
        assertThat(values.get(1).string("ParameterValue")).isEqualTo("2097152");
        // A member's fields are relative to it: the request's own fields are not visible through it.
        assertThat(values.get(0).string("CacheParameterGroupName")).isNull();
        // A structure member with only some fields given.
        List<QueryRequest> names = form("ParameterNameValues.ParameterNameValue.1.ParameterName", "maxmemory-policy")
                .structures("ParameterNameValues", "ParameterNameValue");
        assertThat(names).hasSize(1);
        assertThat(names.get(0).string("ParameterName")).isEqualTo("maxmemory-policy");
        assertThat(names.get(0).string("ParameterValue")).isNull();
    }

    @Test
    void malformedListMembersAreRefused() {
        // A gap in the numbering, numbering from 0, a non-numeric index.
        assertThat(code(() -> form("CacheNodeIdsToRemove.CacheNodeId.1", "0001", "CacheNodeIdsToRemove.CacheNodeId.3",
                "0003").strings("CacheNodeIdsToRemove", "CacheNodeId"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("CacheNodeIdsToRemove.CacheNodeId.0", "0001")
                .strings("CacheNodeIdsToRemove", "CacheNodeId"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("CacheNodeIdsToRemove.CacheNodeId.x", "0001")
                .strings("CacheNodeIdsToRemove", "CacheNodeId"))).isEqualTo("InvalidParameterValue");
        // A structure where a string is expected and the other way round.
        assertThat(code(() -> form("CacheNodeIdsToRemove.CacheNodeId.1.Id", "0001")
                .strings("CacheNodeIdsToRemove", "CacheNodeId"))).isEqualTo("InvalidParameterValue");
        assertThat(code(() -> form("ParameterNameValues.ParameterNameValue.1", "x")
                .structures("ParameterNameValues", "ParameterNameValue"))).isEqualTo("InvalidParameterValue");
    }
}
