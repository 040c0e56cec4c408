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
    void initialHeapFollowsTheFileToLoadWithinTheMaximum() {
        long machine = 8192 * MB;
        assertThat(NodeSizing.jvmOptions(0, 0, machine)).contains("-Xms16m");
        assertThat(NodeSizing.jvmOptions(0, MB, machine)).contains("-Xms16m");
        assertThat(NodeSizing.jvmOptions(0, 35 * MB, machine)).contains("-Xms105m").doesNotContain("-Xms16m");
        // never above the heap: the maxmemory's, or a margin below the share of the machine the JVM takes
        assertThat(NodeSizing.jvmOptions(32 * MB, 100 * MB, machine)).contains("-Xmx140m", "-Xms140m");
        assertThat(NodeSizing.jvmOptions(0, 4096 * MB, machine)).contains("-Xms3686m");
        assertThat(NodeSizing.jvmOptions(0, 35 * MB, 0)).contains("-Xms16m");
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
