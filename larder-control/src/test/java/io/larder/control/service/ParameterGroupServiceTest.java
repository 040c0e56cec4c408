package io.larder.control.service;

import io.larder.control.api.ApiException;
import io.larder.control.events.EventLog;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.CacheNode;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.Engine;
import io.larder.control.model.Event;
import io.larder.control.model.NodeStatus;
import io.larder.control.model.Parameter;
import io.larder.control.store.JdbcStore;
import io.larder.control.store.Store;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ParameterGroupServiceTest {
    @TempDir
    Path dir;
    private Store store;
    private ParameterGroupService groups;
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T19:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void open() {
        store = JdbcStore.sqlite(dir.resolve("state.db"));
        groups = new ParameterGroupService(store, new Object(), new EventLog(store, clock));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ParameterGroupService.ParameterNameValue pv(String name, String value) {
        return new ParameterGroupService.ParameterNameValue(name, value);
    }

    private static ApiException refused(ThrowableAssert.ThrowingCallable call, String code) {
        ApiException e = catchThrowableOfType(ApiException.class, call);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    private String value(String group, String name) {
        return groups.parameters(group, null).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                .value();
    }

    @Test
    void createDescribeModifyResetDelete() {
        CacheParameterGroup g = groups.create("My-Params", "redis7", "for tests");
        assertThat(g.name()).isEqualTo("my-params");
        assertThat(groups.describe(null)).extracting(CacheParameterGroup::name)
                .containsExactly("default.redis7", "default.memcached1.6", "my-params");
        assertThat(groups.describe("MY-PARAMS").get(0).description()).isEqualTo("for tests");

        assertThat(groups.modify("my-params", List.of(pv("maxmemory-policy", "allkeys-lru"), pv("databases", "32"))))
                .isEqualTo("my-params");
        assertThat(value("my-params", "maxmemory-policy")).isEqualTo("allkeys-lru");
        assertThat(groups.parameters("my-params", "user")).extracting(Parameter::name)
                .containsExactlyInAnyOrder("maxmemory-policy", "databases");
        assertThat(groups.parameters("my-params", "system")).extracting(Parameter::name)
                .containsExactlyInAnyOrder("maxclients", "maxmemory-samples");
        assertThat(groups.parameters("my-params", "engine-default")).extracting(Parameter::name)
                .doesNotContain("databases", "maxmemory-policy", "maxclients").contains("timeout");
        assertThat(groups.parameters("default.redis7", null)).extracting(Parameter::value)
                .isEqualTo(groups.parameters("my-params", null).stream().map(p -> p.name().equals("databases") ? "16"
                        : p.name().equals("maxmemory-policy") ? "volatile-lru" : p.value()).toList());

        groups.reset("my-params", null, List.of("databases"));
        assertThat(value("my-params", "databases")).isEqualTo("16");
        assertThat(value("my-params", "maxmemory-policy")).isEqualTo("allkeys-lru");
        groups.reset("my-params", true, null);
        assertThat(groups.parameters("my-params", "user")).isEmpty();

        groups.delete("my-params");
        refused(() -> groups.describe("my-params"), "CacheParameterGroupNotFound");
        assertThat(store.parameterValues("my-params")).isEmpty();
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        groups.create("g", "memcached1.6", "d");
        groups.modify("g", List.of(pv("max_simultaneous_connections", "500")));
        Map<String, String> before = store.parameterValues("g");

        assertThat(refused(() -> groups.modify("g", List.of(pv("cas_disabled", "1"), pv("no_such", "1"))),
                "InvalidParameterValue").getMessage()).isEqualTo("Could not find parameter with name: no_such");
        assertThat(refused(() -> groups.modify("g", List.of(pv("cas_disabled", "1"),
                pv("max_simultaneous_connections", "2"))), "InvalidParameterValue").getMessage())
                .isEqualTo("Invalid parameter value: 2 for: max_simultaneous_connections allowed values are: 3-65000");
        refused(() -> groups.modify("g", List.of(pv("maxmemory-policy", "allkeys-lru"))), "InvalidParameterValue");
        List<ParameterGroupService.ParameterNameValue> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(pv("chunk_size", Integer.toString(48 + i)));
        }
        assertThat(refused(() -> groups.modify("g", many), "InvalidParameterCombination").getMessage())
                .isEqualTo("Cannot modify more than 20 parameters in a single request");
        refused(() -> groups.modify("g", List.of()), "MissingParameter");
        refused(() -> groups.modify("nope", List.of(pv("chunk_size", "64"))), "CacheParameterGroupNotFound");
        refused(() -> groups.reset("g", true, List.of("chunk_size")), "InvalidParameterCombination");
        refused(() -> groups.reset("g", null, List.of("chunk_size", "nope")), "InvalidParameterValue");
        assertThat(store.parameterValues("g")).isEqualTo(before);

        refused(() -> groups.modify("default.redis7", List.of(pv("timeout", "5"))), "InvalidParameterValue");
        refused(() -> groups.reset("default.memcached1.6", true, null), "InvalidParameterValue");
        refused(() -> groups.delete("default.redis7"), "InvalidCacheParameterGroupState");
        refused(() -> groups.modify("g2", List.of(pv("timeout", "5"))), "CacheParameterGroupNotFound");

        refused(() -> groups.create("g", "redis7", "again"), "CacheParameterGroupAlreadyExists");
        refused(() -> groups.create("default.redis7", "redis7", "d"), "InvalidParameterValue");
        refused(() -> groups.create("2g", "redis7", "d"), "InvalidParameterValue");
        refused(() -> groups.create("a--b", "redis7", "d"), "InvalidParameterValue");
        refused(() -> groups.create("x", "redis6.x", "d"), "InvalidParameterValue");
        refused(() -> groups.create("x", null, "d"), "MissingParameter");
        refused(() -> groups.create("x", "redis7", null), "MissingParameter");
        refused(() -> groups.parameters("g", "users"), "InvalidParameterValue");
        refused(() -> ParameterGroupService.engineOfFamily("redis8"), "InvalidParameterValue");
        refused(() -> ParameterGroupService.engineOfFamily(null), "MissingParameter");
        assertThat(groups.describe(null)).hasSize(3);
        assertThat(groups.describe("g").get(0).description()).isEqualTo("d");
        assertThat(ParameterGroupService.engineOfFamily("memcached1.6")).isEqualTo(Engine.MEMCACHED);
    }

    @Test
    void aGroupInUseCannotBeDeletedAndItsRebootChangesAreAnnounced() {
        groups.create("used", "redis7", "d");
        store.insertCluster(new CacheCluster("c1", Engine.REDIS, "7.2.4", io.larder.control.model.NodeType.MICRO, 1,
                null, "available", null, "used", 0, 1000));
        store.upsertNode(new CacheNode("c1", "0001", NodeStatus.AVAILABLE, 7901, 0, 1000));

        ApiException e = refused(() -> groups.delete("used"), "InvalidCacheParameterGroupState");
        assertThat(e.getMessage()).contains("c1");
        assertThat(groups.describe("used")).hasSize(1);

        groups.modify("used", List.of(pv("timeout", "30")));
        assertThat(store.events("c1", 0, Long.MAX_VALUE)).as("immediate changes wait for the supervisor").isEmpty();
        groups.modify("used", List.of(pv("databases", "4")));
        assertThat(store.events("c1", 0, Long.MAX_VALUE)).extracting(Event::message).containsExactly(
                "Parameter changes to used (databases) will be applied at the next reboot of cache nodes 0001");
    }
}
