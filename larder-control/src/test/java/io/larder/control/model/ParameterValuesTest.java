package io.larder.control.model;

import io.larder.control.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterValuesTest {
    private static Parameter redis(String name) {
        return DefaultParameters.find(Engine.REDIS, name);
    }

    private static Parameter memcached(String name) {
        return DefaultParameters.find(Engine.MEMCACHED, name);
    }

    @Test
    void integersMustBeWholeNumbersInsideTheirRange() {
        Parameter databases = redis("databases");
        assertThat(ParameterValues.valid(databases, "1")).isTrue();
        assertThat(ParameterValues.valid(databases, "1200000")).isTrue();
        assertThat(ParameterValues.valid(databases, "0")).isFalse();
        assertThat(ParameterValues.valid(databases, "1200001")).isFalse();
        assertThat(ParameterValues.valid(databases, "16.0")).isFalse();
        assertThat(ParameterValues.valid(databases, "ten")).isFalse();
        assertThat(ParameterValues.valid(databases, "")).isFalse();
        assertThat(ParameterValues.valid(databases, null)).isFalse();
        assertThat(ParameterValues.valid(databases, "99999999999999999999")).as("past a long").isFalse();
    }

    @Test
    void openAndNegativeRanges() {
        assertThat(ParameterValues.valid(redis("list-max-listpack-size"), "-5")).isTrue();
        assertThat(ParameterValues.valid(redis("list-max-listpack-size"), "-6")).isFalse();
        assertThat(ParameterValues.valid(redis("list-max-listpack-size"), "100000")).isTrue();
        assertThat(ParameterValues.valid(redis("slowlog-log-slower-than"), "-1")).as("'-' is any integer").isTrue();
        assertThat(ParameterValues.valid(redis("timeout"), "-1")).isFalse();
        assertThat(ParameterValues.valid(redis("timeout"), "0")).isTrue();
    }

    @Test
    void floatsAndChoices() {
        Parameter factor = memcached("chunk_size_growth_factor");
        assertThat(ParameterValues.valid(factor, "1.5")).isTrue();
        assertThat(ParameterValues.valid(factor, "2")).isTrue();
        assertThat(ParameterValues.valid(factor, "1")).isFalse();
        assertThat(ParameterValues.valid(factor, "2.01")).isFalse();
        assertThat(ParameterValues.valid(factor, "1,5")).isFalse();
        assertThat(ParameterValues.valid(memcached("cas_disabled"), "1")).isTrue();
        assertThat(ParameterValues.valid(memcached("cas_disabled"), "yes")).isFalse();
        assertThat(ParameterValues.valid(redis("maxmemory-policy"), "allkeys-lru")).isTrue();
        assertThat(ParameterValues.valid(redis("maxmemory-policy"), "allkeys")).isFalse();
        assertThat(ParameterValues.valid(redis("maxmemory-policy"), "ALLKEYS-LRU")).isFalse();
        assertThat(ParameterValues.valid(redis("notify-keyspace-events"), "KEA")).as("free text").isTrue();
    }

    @Test
    void refusalNamesTheValueTheParameterAndWhatIsAllowed() {
        assertThatThrownBy(() -> ParameterValues.check(redis("maxmemory-policy"), "lru"))
                .isInstanceOf(ApiException.class)
                .hasMessage("Invalid parameter value: lru for: maxmemory-policy allowed values are: volatile-lru,"
                        + "allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction")
                .extracting(e -> ((ApiException) e).code()).isEqualTo("InvalidParameterValue");
    }

    @Test
    void everyDefaultValueIsValid() {
        for (Engine e : Engine.values()) {
            for (Parameter p : DefaultParameters.of(e)) {
                assertThat(ParameterValues.valid(p, p.value())).as(p.name()).isTrue();
            }
        }
    }
}
