package io.larder.node.commands.stream;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyspace notifications of the stream commands, compared with redis-server: the same events, in the same order,
 * only for commands that changed something. Consumer creation is avoided where Redis 7.2 and the 7.0 oracle
 * differ (7.2 creates the consumer of an XREADGROUP or XCLAIM that gets nothing).
 */
class StreamEventsTest extends OracleTestBase {
    private static final String[][] COMMANDS = {
        {"XADD", "s", "1", "a", "1"},
        {"XADD", "s", "MAXLEN", "1", "2", "a", "1"},
        {"XADD", "s", "MAXLEN", "5", "3", "a", "1"},
        {"XADD", "missing", "NOMKSTREAM", "1", "a", "1"},
        {"XDEL", "s", "3", "9"},
        {"XDEL", "s", "9"},
        {"XTRIM", "s", "MAXLEN", "5"},
        {"XTRIM", "s", "MAXLEN", "0"},
        {"XADD", "s", "4", "a", "1"},
        {"XGROUP", "CREATE", "s", "g", "0"},
        {"XGROUP", "CREATE", "s", "g", "0"},
        {"XGROUP", "CREATE", "t", "g", "$", "MKSTREAM"},
        {"XGROUP", "CREATECONSUMER", "s", "g", "c"},
        {"XGROUP", "CREATECONSUMER", "s", "g", "c"},
        {"XREADGROUP", "GROUP", "g", "reader", "STREAMS", "s", ">"},
        {"XACK", "s", "g", "4"},
        {"XGROUP", "SETID", "s", "g", "0"},
        {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"},
        {"XCLAIM", "s", "g", "claimer", "0", "4-0"},
        {"XAUTOCLAIM", "s", "g", "autoclaimer", "0", "0"},
        {"XGROUP", "DELCONSUMER", "s", "g", "c"},
        {"XGROUP", "DELCONSUMER", "s", "g", "c"},
        {"XSETID", "s", "10"},
        {"XGROUP", "DESTROY", "s", "g"},
        {"XGROUP", "DESTROY", "s", "g"},
    };

    private static List<String> events(int port) throws IOException {
        try (RawClient admin = new RawClient(port); RawClient sub = new RawClient(port)) {
            admin.call("FLUSHALL");
            admin.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            sub.call("PSUBSCRIBE", "__key*@0__:*");
            for (String[] command : COMMANDS) {
                admin.call(command);
            }
            admin.call("PUBLISH", "__keyevent@0__:end", "end");
            List<String> events = new ArrayList<>();
            while (true) {
                String push = new String(sub.readReply(), StandardCharsets.UTF_8).replace("\r\n", " ");
                if (push.contains("__keyevent@0__:end")) {
                    admin.call("CONFIG", "SET", "notify-keyspace-events", "");
                    return events;
                }
                events.add(push);
            }
        }
    }

    @Test
    void streamCommandsNotifyAsRedisDoes() throws IOException {
        List<String> expected = events(redis.port());
        assertThat(expected).anyMatch(e -> e.contains("xgroup-createconsumer"))
                .anyMatch(e -> e.contains("xtrim")).anyMatch(e -> e.contains("xsetid"));
        assertThat(events(larder.port())).containsExactlyElementsOf(expected);
    }
}
