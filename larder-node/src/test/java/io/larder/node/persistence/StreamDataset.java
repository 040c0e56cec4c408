package io.larder.node.persistence;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams in the shapes RDB must carry: several nodes, entries with and without the master fields, tombstones
 * (XDEL and exact trimming), consumer groups with pending entries (one of them deleted), consumers without
 * any, an empty stream with a group, an emptied stream, and IDs near 2^64. Compared key by key with
 * XINFO STREAM FULL.
 */
final class StreamDataset {
    static final List<String> KEYS = List.of("s:nodes", "s:groups", "s:empty", "s:emptied", "s:bigids");

    private StreamDataset() {
    }

    static void fill(Jedis j) {
        for (int i = 1; i <= 250; i++) {
            String id = i + "-" + (i % 3);
            if (i % 7 == 0) {
                j.sendCommand(Protocol.Command.XADD, "s:nodes", id, "other", "v" + i);
            } else {
                j.sendCommand(Protocol.Command.XADD, "s:nodes", id, "name", "n" + i, "count", Integer.toString(i * 1000),
                        "blob", "x".repeat(i % 5 == 0 ? 300 : 3));
            }
        }
        j.sendCommand(Protocol.Command.XDEL, "s:nodes", "120-0", "121-1", "249-0");
        j.sendCommand(Protocol.Command.XTRIM, "s:nodes", "MAXLEN", "=", "230");

        for (int i = 1; i <= 30; i++) {
            j.sendCommand(Protocol.Command.XADD, "s:groups", "1000-" + i, "f", Integer.toString(i));
        }
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "s:groups", "g1", "0");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "alice", "COUNT", "10", "STREAMS", "s:groups", ">");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "bob", "COUNT", "5", "STREAMS", "s:groups", ">");
        j.sendCommand(Protocol.Command.XACK, "s:groups", "g1", "1000-1", "1000-2", "1000-3");
        j.sendCommand(Protocol.Command.XDEL, "s:groups", "1000-5");
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "s:groups", "g2", "$");
        j.sendCommand(Protocol.Command.XGROUP, "CREATECONSUMER", "s:groups", "g2", "carol");
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "s:groups", "g3", "1000-20", "ENTRIESREAD", "20");

        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "s:empty", "g", "$", "MKSTREAM");
        j.sendCommand(Protocol.Command.XADD, "s:emptied", "5-5", "a", "b");
        j.sendCommand(Protocol.Command.XDEL, "s:emptied", "5-5");

        j.sendCommand(Protocol.Command.XADD, "s:bigids", "1-18446744073709551615", "a", "1");
        j.sendCommand(Protocol.Command.XADD, "s:bigids", "2-0", "a", "2");
        j.sendCommand(Protocol.Command.XADD, "s:bigids", "18446744073709551615-18446744073709551614", "a", "3");
    }

    /** XINFO STREAM key FULL COUNT 0 (every entry and pending entry) as text; without consumers' active-time when {@code dropActiveTime} (Redis 7.0 has none). */
    static String info(Jedis j, String key, boolean dropActiveTime) {
        return render(j.sendCommand(Protocol.Command.XINFO, "STREAM", key, "FULL", "COUNT", "0"), dropActiveTime);
    }

    private static String render(Object reply, boolean dropActiveTime) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object o = list.get(i);
                if (dropActiveTime && o instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals("active-time")) {
                    i++;
                    continue;
                }
                parts.add(render(o, dropActiveTime));
            }
            return parts.toString();
        }
        return String.valueOf(reply);
    }

    /** Every stream key of {@code actual} matches {@code expected}. */
    static void assertSame(Jedis expected, Jedis actual, boolean dropActiveTime) {
        for (String key : KEYS) {
            assertThat(info(actual, key, dropActiveTime)).as(key).isEqualTo(info(expected, key, dropActiveTime));
        }
    }
}
