package io.larder.control.provision;

import io.larder.control.model.Engine;
import io.larder.control.model.NodeType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemcachedFlagsTest {
    private static NodeSpec spec(Map<String, String> values) {
        return new NodeSpec("mc", "0001", Engine.MEMCACHED, NodeType.MICRO, 7901, null, values, null);
    }

    @Test
    void defaultValuesAddNoFlags() {
        assertThat(LocalProcessProvisioner.memcachedFlags(spec(Map.of()))).isEmpty();
        assertThat(LocalProcessProvisioner.memcachedFlags(spec(Map.of("cas_disabled", "0", "chunk_size", "48"))))
                .isEmpty();
    }

    @Test
    void otherValuesBecomeMemcachedFlags() {
        assertThat(LocalProcessProvisioner.memcachedFlags(spec(Map.of("cas_disabled", "1",
                "max_simultaneous_connections", "500", "max_item_size", "2097152", "chunk_size_growth_factor", "1.5"))))
                .containsExactly("-C", "-f", "1.5", "-I", "2097152", "-c", "500");
    }

    @Test
    void parameterFlagsStayOutOfTheNodesIdentity() {
        LocalProcessProvisioner p = new LocalProcessProvisioner(Path.of("/tmp/nodes"), List.of("larder"), List.of("larder"), "token",
                maxmemory -> List.of(), null);
        assertThat(p.nodeArguments(spec(Map.of("cas_disabled", "1"))))
                .isEqualTo(p.nodeArguments(spec(Map.of())))
                .containsExactly("-p", "7901", "-m", "64", "-t", "1");
    }
}
