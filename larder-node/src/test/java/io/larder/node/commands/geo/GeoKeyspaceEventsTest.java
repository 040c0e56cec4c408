package io.larder.node.commands.geo;

import io.larder.node.testing.RawClient;
import io.larder.node.testing.RawOracleTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyspace events of the geo writes, against the oracle's: GEOADD is a ZADD ("zadd", and nothing when
 * nothing changed), GEOSEARCHSTORE and GEORADIUS STORE report "geosearchstore" / "georadiusstore" on the
 * destination, and an empty result that removes the destination reports "del".
 */
class GeoKeyspaceEventsTest extends RawOracleTestBase {
    private static final String[][] COMMANDS = {
            {"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
            {"GEOADD", "g", "13.361389", "38.115556", "Palermo"},
            {"GEOADD", "g", "NX", "1", "1", "Palermo"},
            {"GEOADD", "g", "XX", "CH", "14", "37", "Catania"},
            {"GEOADD", "g", "200", "0", "bad"},
            {"GEOSEARCHSTORE", "near", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
            {"GEOSEARCHSTORE", "near", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"},
            {"GEOSEARCHSTORE", "near", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
            {"GEOSEARCHSTORE", "near", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
            {"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "r"},
            {"GEORADIUSBYMEMBER", "g", "Palermo", "500", "km", "STOREDIST", "r2"},
            {"GEORADIUS", "g", "0", "0", "1", "km", "STORE", "r"},
            {"GEOSEARCHSTORE", "r2", "missing", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
            {"GEORADIUS", "missing", "0", "0", "1", "km", "STORE", "near"},
            {"GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
    };

    @Test
    void eventsMatchTheOracle() throws IOException {
        assertThat(events(larder.port())).isEqualTo(events(redis.port())).isNotEmpty();
    }

    /** Runs the commands with every event class on and returns the published (channel, message) pairs. */
    private static List<String> events(int port) throws IOException {
        try (RawClient commands = new RawClient(port); RawClient listener = new RawClient(port)) {
            commands.call("FLUSHALL");
            commands.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            listener.call("PSUBSCRIBE", "__key*__:*");
            listener.call("SUBSCRIBE", "end");
            for (String[] command : COMMANDS) {
                commands.call(command);
            }
            commands.call("PUBLISH", "end", "end");
            List<String> events = new ArrayList<>();
            while (true) {
                String message = new String(listener.readReply(), StandardCharsets.UTF_8);
                if (message.contains("\r\nend\r\n$3\r\nend\r\n")) {
                    commands.call("CONFIG", "SET", "notify-keyspace-events", "");
                    return events;
                }
                events.add(message);
            }
        }
    }
}
