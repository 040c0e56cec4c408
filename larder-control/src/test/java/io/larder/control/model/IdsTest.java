package io.larder.control.model;

import io.larder.control.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsTest {
    @Test
    void validIdsAreStoredInLowerCase() {
        assertThat(Ids.cacheClusterId("My-Cache-01")).isEqualTo("my-cache-01");
        assertThat(Ids.cacheClusterId("a")).isEqualTo("a");
        assertThat(Ids.cacheClusterId("a".repeat(40))).hasSize(40);
    }

    @Test
    void idsBreakingElastiCacheRulesAreInvalidParameterValue() {
        for (String bad : new String[] {"", "1abc", "-abc", "abc-", "a--b", "a_b", "a.b", "a b", "é", "a".repeat(41)}) {
            assertThatThrownBy(() -> Ids.cacheClusterId(bad)).as(bad).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo("InvalidParameterValue");
                assertThat(e.httpStatus()).isEqualTo(400);
            });
        }
        assertThatThrownBy(() -> Ids.cacheClusterId(null)).isInstanceOf(ApiException.class);
    }

    @Test
    void authTokensFollowElastiCacheRules() {
        Ids.authToken("0123456789abcdef");
        Ids.authToken("x".repeat(128));
        for (String bad : new String[] {"0123456789abcde", "x".repeat(129), "0123456789abcdef/", "0123456789abcdef@",
                "0123456789abcdef\"", "0123456789 abcdef"}) {
            assertThatThrownBy(() -> Ids.authToken(bad)).as(bad).isInstanceOf(ApiException.class);
        }
    }
}
