package io.larder.node.clients;

import io.larder.node.testing.RawClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server the client programs run against: redis-server (to prove each program and its assertions are right)
 * or Larder. Both are started once per test class.
 */
record Target(String name, int port, boolean reportsLibraryNames) {
    /** One connection as the server lists it in CLIENT LIST. */
    record Connection(Map<String, String> fields) {
        String get(String name) {
            return fields.getOrDefault(name, "");
        }
    }

    /** Every connection but the one asking, from CLIENT LIST. */
    List<Connection> otherConnections() throws IOException {
        try (RawClient c = new RawClient(port)) {
            String me = field(c.callText("CLIENT", "ID"));
            String list = new String(c.call("CLIENT", "LIST"), StandardCharsets.UTF_8);
            List<Connection> out = new ArrayList<>();
            for (String line : list.substring(list.indexOf("\r\n") + 2).split("\n")) {
                Map<String, String> fields = new HashMap<>();
                for (String kv : line.strip().split(" ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        fields.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                if (!fields.isEmpty() && !fields.get("id").equals(me)) {
                    out.add(new Connection(fields));
                }
            }
            return out;
        }
    }

    private static String field(String integerReply) {
        return integerReply.substring(1).strip();
    }

    @Override
    public String toString() {
        return name;
    }
}
