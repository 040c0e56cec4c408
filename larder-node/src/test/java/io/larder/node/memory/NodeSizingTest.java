package io.larder.node.memory;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeSizingTest {
    private static final long MB = 1024 * 1024;

    @Test
    void capacityIsTheInverseOfTheHeapFormula() {
        for (long m = 16 * MB; m <= 256L * 1024 * MB; m *= 2) {
            assertThat(NodeSizing.capacity(NodeSizing.heapBytes(m))).as("maxmemory %d", m)
                    .isBetween(m, m + MB);
        }
        assertThat(NodeSizing.capacity(32 * MB)).isZero();
    }

    @Test
    void optionsFollowMaxmemory() {
        assertThat(NodeSizing.jvmOptions(32 * MB)).contains("-Xmx140m", "-XX:MaxDirectMemorySize=82m", "-XX:+UseG1GC");
        assertThat(NodeSizing.jvmOptions(0)).contains("-XX:MaxRAMPercentage=" + NodeSizing.DEFAULT_HEAP_PERCENT)
                .noneMatch(o -> o.startsWith("-Xmx"));
        assertThat(NodeSizing.residentBound(256 * MB)).isEqualTo(608 * MB);
    }

    @Test
    void configSetMaxmemoryAboveTheHeapsCapacityIsRefused() throws Exception {
        try (LarderServer larder = LarderServer.start("--maxmemory", "10mb");
             RawClient c = new RawClient(larder.port())) {
            long capacity = larder.node().memory().capacity();
            assertThat(capacity).isEqualTo(NodeSizing.capacity(Runtime.getRuntime().maxMemory()));
            assertThat(c.callText("CONFIG", "SET", "maxmemory", Long.toString(capacity + 1)))
                    .startsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - maxmemory "
                            + (capacity + 1) + " is more than this node's heap can hold");
            assertThat(c.callText("CONFIG", "GET", "maxmemory")).contains(Long.toString(10 * MB));
            assertThat(c.callText("CONFIG", "SET", "maxmemory", Long.toString(capacity))).isEqualTo("+OK\r\n");
            assertThat(c.callText("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK\r\n");
        }
    }
}
