package io.larder.node.protocol;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that pipelines a gigabyte of replies and never reads them must cost the server a bounded amount of
 * memory and must not slow other clients down; once it is killed the server frees what it held.
 */
class SlowReaderTest {
    private static final int VALUE_SIZE = 1 << 20;
    private static final int GETS = 1000;
    private static final long MEMORY_BOUND = 64L << 20;

    @Test
    void aClientThatNeverReadsIsHeldBackAndOthersKeepBeingServed() throws Exception {
        assertThat(ByteBufAllocator.DEFAULT).isInstanceOf(ByteBufAllocatorMetricProvider.class);
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        byte[] value = new byte[VALUE_SIZE];
        Arrays.fill(value, (byte) 'v');
        try (LarderServer larder = LarderServer.start(); RawClient other = new RawClient(larder.port())) {
            assertThat(other.callText("SET", "big", new String(value, StandardCharsets.US_ASCII))).isEqualTo("+OK\r\n");
            long baselineMemory = used(metric);
            long baselineOutput = larder.node().stats().netOutputBytes.sum();

            Socket slow = new Socket();
            slow.setReceiveBufferSize(64 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", larder.port()));
            ByteArrayOutputStream gets = new ByteArrayOutputStream();
            for (int i = 0; i < GETS; i++) {
                gets.writeBytes(RawClient.encode("GET".getBytes(), "big".getBytes()));
            }
            slow.getOutputStream().write(gets.toByteArray());
            slow.getOutputStream().flush();

            // While the slow client's replies pile up, the other client is answered as usual.
            long peakMemory = 0;
            long slowestCall = 0;
            long until = System.nanoTime() + 3_000_000_000L;
            int calls = 0;
            while (System.nanoTime() < until) {
                long start = System.nanoTime();
                assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
                assertThat(other.callText("EXISTS", "big")).isEqualTo(":1\r\n");
                slowestCall = Math.max(slowestCall, System.nanoTime() - start);
                peakMemory = Math.max(peakMemory, used(metric));
                calls++;
                Thread.sleep(5);
            }
            long written = larder.node().stats().netOutputBytes.sum() - baselineOutput;
            System.out.printf("slow reader: %d calls by the other client, slowest %.1f ms; server wrote %d MB to the"
                            + " slow client, buffer memory peak %d MB over baseline%n", calls, slowestCall / 1e6,
                    written >> 20, (peakMemory - baselineMemory) >> 20);
            assertThat(written).as("bytes handed to the slow client's channel").isLessThan(MEMORY_BOUND);
            assertThat(peakMemory - baselineMemory).as("allocator memory over baseline").isLessThan(MEMORY_BOUND);
            assertThat(slowestCall).as("slowest call of the other client, ns").isLessThan(1_000_000_000L);
            assertThat(larder.node().clients()).hasSize(2);

            slow.setSoLinger(true, 0); // reset, as a killed process's socket
            slow.close();
            long deadline = System.currentTimeMillis() + 10_000;
            while (larder.node().clients().size() > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(larder.node().clients()).as("the slow client is gone").hasSize(1);
            while (used(metric) - baselineMemory > (16L << 20) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(used(metric) - baselineMemory).as("memory given back").isLessThan(16L << 20);
            assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
            byte[] reply = other.call("GET", "big");
            assertThat(reply.length).isEqualTo(VALUE_SIZE + ("$" + VALUE_SIZE + "\r\n\r\n").length());
        }
    }

    private static long used(ByteBufAllocatorMetric metric) {
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }
}
