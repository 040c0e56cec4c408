package io.larder.memcached.server;

import io.larder.memcached.testing.BinaryFrames;
import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.RawConnection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** memcached's flags as they show on the wire: -M, -C, -I, -F, -o idle_timeout, and the stats counters. */
class ServerOptionsTest {
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "END\r\n".getBytes(StandardCharsets.US_ASCII);

    private static Map<String, String> stats(RawConnection c, String group) throws Exception {
        c.send("stats" + (group.isEmpty() ? "" : " " + group) + "\r\n");
        Map<String, String> m = new HashMap<>();
        for (String line : new String(c.readUntil(END), StandardCharsets.US_ASCII).split("\r\n")) {
            String[] p = line.split(" ", 3);
            if (p[0].equals("STAT")) {
                m.put(p[1], p[2]);
            }
        }
        return m;
    }

    @Test
    void statsCountWhatHappened() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-m", "32");
             RawConnection c = new RawConnection(larder.port())) {
            c.send("set k 0 0 1\r\na\r\nget k\r\nget nope\r\nincr nope 1\r\ndelete k\r\ndelete k\r\nset k 0 0 1\r\na\r\n");
            c.readUntil("STORED\r\nVALUE k 0 1\r\na\r\nEND\r\nEND\r\nNOT_FOUND\r\nDELETED\r\nNOT_FOUND\r\nSTORED\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Map<String, String> s = stats(c, "");
            assertThat(s).containsEntry("bytes", "61").containsEntry("curr_items", "1")
                    .containsEntry("total_items", "2").containsEntry("cmd_set", "2").containsEntry("cmd_get", "2")
                    .containsEntry("get_hits", "1").containsEntry("get_misses", "1")
                    .containsEntry("incr_misses", "1").containsEntry("delete_hits", "1")
                    .containsEntry("delete_misses", "1").containsEntry("limit_maxbytes", String.valueOf(32 << 20))
                    .containsEntry("threads", "2").containsEntry("version", "1.6.18");
            assertThat(stats(c, "items")).containsEntry("items:1:number", "1");
            assertThat(stats(c, "slabs")).containsEntry("1:chunk_size", "96").containsEntry("1:used_chunks", "1");
            assertThat(stats(c, "settings")).containsEntry("maxbytes", String.valueOf(32 << 20))
                    .containsEntry("item_size_max", "1048576").containsEntry("evictions", "on");
            c.send("stats reset\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("RESET\r\n");
            assertThat(stats(c, "")).containsEntry("cmd_get", "0").containsEntry("curr_items", "1");
        }
    }

    @Test
    void withoutEvictionsTheStoreSaysOutOfMemory() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-m", "1", "-M", "-I", "100k");
             RawConnection c = new RawConnection(larder.port())) {
            String value = "x".repeat(50_000);
            String reply = "";
            for (int i = 0; i < 40 && !reply.startsWith("SERVER_ERROR"); i++) {
                c.send("set k" + i + " 0 0 " + value.length() + "\r\n" + value + "\r\n");
                reply = new String(c.readUntil(CRLF), StandardCharsets.US_ASCII);
            }
            assertThat(reply).isEqualTo("SERVER_ERROR out of memory storing object\r\n");
            try (RawConnection b = new RawConnection(larder.port())) {
                b.send(BinaryFrames.request(0x01, "bin", BinaryFrames.ints(0, 0), value, 0));
                assertThat(BinaryFrames.read(b).status()).isEqualTo(0x82);
            }
            assertThat(stats(c, "")).containsEntry("evictions", "0");
        }
        try (LarderMemcached larder = LarderMemcached.start("-m", "1", "-I", "100k");
             RawConnection c = new RawConnection(larder.port())) {
            String value = "x".repeat(50_000);
            for (int i = 0; i < 40; i++) {
                c.send("set k" + i + " 0 0 " + value.length() + "\r\n" + value + "\r\n");
                assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            }
            Map<String, String> s = stats(c, "");
            assertThat(Long.parseLong(s.get("evictions"))).isPositive();
            assertThat(Long.parseLong(s.get("bytes"))).isLessThanOrEqualTo(1 << 20);
        }
    }

    @Test
    void casCanBeTurnedOff() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-C");
             RawConnection c = new RawConnection(larder.port())) {
            c.send("set k 0 0 1\r\na\r\ngets k\r\n");
            assertThat(c.readUntil(END)).asString().isEqualTo("STORED\r\nVALUE k 0 1 0\r\na\r\nEND\r\n");
            assertThat(stats(c, "")).containsEntry("bytes", "53");
        }
    }

    @Test
    void itemSizeLimitFollowsDashI() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-I", "2m");
             RawConnection c = new RawConnection(larder.port())) {
            String big = "y".repeat(1_500_000);
            c.send("set big 0 0 " + big.length() + "\r\n" + big + "\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("STORED\r\n");
            String tooBig = "y".repeat(2 * 1024 * 1024);
            c.send("set big 0 0 " + tooBig.length() + "\r\n" + tooBig + "\r\nget big\r\n");
            assertThat(c.readUntil(END)).asString().isEqualTo("SERVER_ERROR object too large for cache\r\nEND\r\n");
        }
    }

    @Test
    void flushCanBeDisabledAndIdleConnectionsClosed() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start("-F", "-o", "idle_timeout=1");
             RawConnection c = new RawConnection(larder.port())) {
            c.send("flush_all\r\n");
            assertThat(c.readUntil(CRLF)).asString().isEqualTo("CLIENT_ERROR flush_all not allowed\r\n");
            assertThat(c.readToEnd(4000)).asString().isEqualTo("<closed>");
        }
    }

    @Test
    void badFlagsAreRefused() {
        assertThatThrownBy(() -> McSettings.parse(java.util.List.of("-I", "10"))).hasMessageContaining("1024");
        assertThatThrownBy(() -> McSettings.parse(java.util.List.of("-o", "bogus"))).hasMessageContaining("bogus");
        assertThatThrownBy(() -> McSettings.parse(java.util.List.of("-S"))).hasMessageContaining("sasl_pwdb");
        assertThatThrownBy(() -> McSettings.parse(java.util.List.of("-U", "11211"))).hasMessageContaining("UDP");
        assertThatThrownBy(() -> McSettings.parse(java.util.List.of("-t", "0"))).hasMessageContaining("threads");
    }
}
