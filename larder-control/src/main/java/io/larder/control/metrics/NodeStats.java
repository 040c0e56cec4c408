package io.larder.control.metrics;

import io.larder.control.model.Engine;
import io.larder.control.security.NodeSecurity;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's own counters: Redis {@code INFO default commandstats} (after AUTH when the cluster has a token),
 * memcached {@code stats}.
 */
public final class NodeStats {
    /** Calls of read commands (ACL category @read) and of write commands (@write), from INFO commandstats. */
    public static final String READ_CALLS = "commandstats.read_calls";
    public static final String WRITE_CALLS = "commandstats.write_calls";
    private final int timeoutMillis;
    /** Learnt from the first Redis node read: every Redis node runs the same larder. */
    private volatile CommandKinds kinds;

    private final NodeSecurity security;

    public NodeStats(int timeoutMillis, NodeSecurity security) {
        this.timeoutMillis = timeoutMillis;
        this.security = security;
    }

    /** Field name to value, numeric fields only; Redis's {@code dbN:keys=..} lines become {@code dbN.keys}. */
    public Map<String, Double> read(Engine engine, String address, int port, String authToken, boolean tls)
            throws IOException {
        try (Socket s = security.connect(address, port, tls, timeoutMillis)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            return engine == Engine.REDIS ? redisInfo(out, in, authToken) : memcachedStats(out, in);
        }
    }

    private Map<String, Double> redisInfo(OutputStream out, InputStream in, String token) throws IOException {
        if (token != null) {
            out.write(resp("AUTH", token));
        }
        out.write(resp("INFO", "default", "commandstats"));
        CommandKinds known = kinds;
        if (known == null) {
            out.write(resp("COMMAND", "LIST", "FILTERBY", "ACLCAT", "read"));
            out.write(resp("COMMAND", "LIST", "FILTERBY", "ACLCAT", "write"));
        }
        out.flush();
        if (token != null) {
            String ok = line(in);
            if (!ok.equals("+OK")) {
                throw new IOException("AUTH refused: " + ok);
            }
        }
        String header = line(in);
        if (!header.startsWith("$")) {
            throw new IOException("INFO refused: " + header);
        }
        byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
        line(in);
        Map<String, Double> fields = new HashMap<>();
        Map<String, Double> calls = new HashMap<>();
        for (String l : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
            int colon = l.indexOf(':');
            if (l.startsWith("#") || colon < 0) {
                continue;
            }
            String name = l.substring(0, colon);
            String value = l.substring(colon + 1);
            if (name.startsWith("cmdstat_")) {
                // cmdstat_get:calls=3,usec=..., subcommands as cmdstat_config|get
                int end = value.indexOf(',');
                number(calls, name.substring("cmdstat_".length()), value.substring("calls=".length(), end < 0 ? value.length() : end));
            } else if (name.matches("db\\d+")) {
                for (String kv : value.split(",")) {
                    int eq = kv.indexOf('=');
                    number(fields, name + "." + kv.substring(0, eq), kv.substring(eq + 1));
                }
            } else {
                number(fields, name, value);
            }
        }
        if (known == null) {
            known = new CommandKinds(commandList(in), commandList(in));
            kinds = known;
        }
        fields.put(READ_CALLS, known.sum(known.read(), calls));
        fields.put(WRITE_CALLS, known.sum(known.write(), calls));
        return fields;
    }

    /** One COMMAND LIST reply: an array of command names (subcommands as {@code container|sub}). */
    private static Set<String> commandList(InputStream in) throws IOException {
        String header = line(in);
        if (!header.startsWith("*")) {
            throw new IOException("COMMAND LIST refused: " + header);
        }
        Set<String> names = new HashSet<>();
        for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
            String length = line(in);
            names.add(new String(in.readNBytes(Integer.parseInt(length.substring(1))), StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT));
            line(in);
        }
        return names;
    }

    /** Which commands read and which write: ElastiCache's GetTypeCmds / SetTypeCmds sum commandstats over them. */
    private record CommandKinds(Set<String> read, Set<String> write) {
        double sum(Set<String> kind, Map<String, Double> calls) {
            double total = 0;
            for (Map.Entry<String, Double> e : calls.entrySet()) {
                if (kind.contains(e.getKey())) {
                    total += e.getValue();
                }
            }
            return total;
        }
    }

    private static Map<String, Double> memcachedStats(OutputStream out, InputStream in) throws IOException {
        out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Map<String, Double> fields = new HashMap<>();
        for (String l = line(in); !l.equals("END"); l = line(in)) {
            String[] parts = l.split(" ");
            if (parts.length != 3 || !parts[0].equals("STAT")) {
                throw new IOException("unexpected stats line: " + l);
            }
            number(fields, parts[1], parts[2]);
        }
        return fields;
    }

    private static void number(Map<String, Double> fields, String name, String value) {
        try {
            fields.put(name, Double.parseDouble(value));
        } catch (NumberFormatException ignored) {
            // Text fields (versions, modes) are not metrics.
        }
    }

    /** A RESP request (an array of bulk strings). */
    public static byte[] resp(String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One reply line without its CRLF. */
    public static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
