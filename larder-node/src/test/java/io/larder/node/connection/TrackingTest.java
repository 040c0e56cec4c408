package io.larder.node.connection;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-side caching between connections: each scenario runs on redis-server and on Larder with the same named
 * connections, and the transcripts (every reply and every invalidation, with client ids replaced by connection
 * names) must be identical. Each test also checks the oracle's transcript for the invalidations it is about, so
 * that a scenario that exercises nothing cannot pass.
 */
class TrackingTest extends OracleTestBase {
    @Override
    protected String[] serverOptions() {
        return new String[]{"--enable-debug-command", "yes"};
    }

    @FunctionalInterface
    interface Scenario {
        void run(Session s) throws IOException, InterruptedException;
    }

    /** Named connections to one server and the transcript of everything they sent and received. */
    static final class Session implements AutoCloseable {
        private final int port;
        private final Map<String, RawClient> clients = new LinkedHashMap<>();
        private final Map<String, Long> ids = new LinkedHashMap<>();
        final List<String> transcript = new ArrayList<>();
        private String lastCommand = "";

        Session(int port) {
            this.port = port;
        }

        RawClient client(String name) throws IOException {
            RawClient c = clients.get(name);
            if (c == null) {
                c = new RawClient(port);
                clients.put(name, c);
                String id = new String(c.call("CLIENT", "ID"), StandardCharsets.US_ASCII);
                ids.put(name, Long.parseLong(id.substring(1).strip()));
            }
            return c;
        }

        /** Sends one command ({@code {name}} stands for that connection's id) and records its reply. */
        String call(String who, String... args) throws IOException {
            send(who, args);
            return read(who);
        }

        /** Sends commands without reading (a pipeline when several). */
        void send(String who, String... args) throws IOException {
            RawClient c = client(who);
            byte[][] raw = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                raw[i] = resolve(args[i]).getBytes(StandardCharsets.UTF_8);
            }
            c.send(raw);
            lastCommand = String.join(" ", args);
            transcript.add(who + " > " + lastCommand);
        }

        /** Several commands in one write, so that the server reads them as one batch. */
        void pipeline(String who, String[]... commands) throws IOException {
            RawClient c = client(who);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (String[] command : commands) {
                byte[][] raw = new byte[command.length][];
                for (int i = 0; i < command.length; i++) {
                    raw[i] = resolve(command[i]).getBytes(StandardCharsets.UTF_8);
                }
                out.writeBytes(RawClient.encode(raw));
                transcript.add(who + " > " + String.join(" ", command));
            }
            c.sendRaw(out.toByteArray());
        }

        /** Reads the next reply or push on a connection and records it. */
        String read(String who) throws IOException {
            String reply = new String(client(who).readReply(), StandardCharsets.UTF_8);
            // Replies that report a redirect show the connection's name, not its id (which differs per server).
            boolean namesClient = reply.contains("redirect") || reply.contains("tracking-redir-broken")
                    || lastCommand.equalsIgnoreCase("CLIENT GETREDIR");
            String shown = namesClient ? normalize(reply) : reply;
            transcript.add(who + " < " + shown.replace("\r\n", "\\r\\n"));
            return shown;
        }

        /** HELLO 3; its reply names the server's version, so only the switch is recorded. */
        void resp3(String who) throws IOException {
            String reply = new String(client(who).call("HELLO", "3"), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("%7");
            transcript.add(who + " > HELLO 3");
        }

        /** Only the tracking fields of a CLIENT LIST/INFO line: flags and redir. */
        String clientInfo(String who, String of) throws IOException {
            send(who, "CLIENT", "LIST", "ID", "{" + of + "}");
            String line = new String(client(who).readReply(), StandardCharsets.UTF_8);
            StringBuilder s = new StringBuilder();
            for (String field : line.split(" ")) {
                if (field.startsWith("flags=") || field.startsWith("redir=")) {
                    s.append(normalize(field.strip() + "\r\n").strip()).append(' ');
                }
            }
            transcript.add(who + " < " + s.toString().strip());
            return s.toString().strip();
        }

        long id(String who) throws IOException {
            client(who);
            return ids.get(who);
        }

        private String resolve(String arg) throws IOException {
            if (arg.startsWith("{") && arg.endsWith("}")) {
                return Long.toString(id(arg.substring(1, arg.length() - 1)));
            }
            return arg;
        }

        /** Client ids differ between the servers: integers and redir fields naming a connection show its name. */
        private String normalize(String reply) {
            String out = reply;
            for (Map.Entry<String, Long> e : ids.entrySet()) {
                out = out.replace(":" + e.getValue() + "\r\n", ":{" + e.getKey() + "}\r\n")
                        .replace("redir=" + e.getValue() + "\r\n", "redir={" + e.getKey() + "}\r\n");
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            for (RawClient c : clients.values()) {
                c.close();
            }
        }
    }

    /** Runs the scenario on both servers from an empty dataset; returns the oracle's transcript. */
    private List<String> sameOnBoth(Scenario scenario) throws Exception {
        List<String> expected = runOn(redis.port(), scenario);
        List<String> actual = runOn(larder.port(), scenario);
        assertThat(String.join("\n", actual)).as("transcript on Larder").isEqualTo(String.join("\n", expected));
        return expected;
    }

    private static List<String> runOn(int port, Scenario scenario) throws Exception {
        emptyServer(port);
        try (Session s = new Session(port)) {
            scenario.run(s);
            return s.transcript;
        }
    }

    /**
     * Waits until the connections of earlier tests are gone (the server sees them close a little later), so their
     * tracking state no longer counts, then empties the dataset and with it the tracking table.
     */
    private static void emptyServer(int port) throws Exception {
        try (RawClient admin = new RawClient(port)) {
            long deadline = System.currentTimeMillis() + 5000;
            while (!admin.callText("INFO", "clients").contains("connected_clients:1\r\n")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            admin.call("FLUSHALL");
        }
    }

    private static final String PUSH_K = ">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n";

    @Test
    void resp3InvalidationsReachTheReaderOnceAndForgetTheKey() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.call("a", "GET", "k");
            s.call("a", "MGET", "k1", "k2", "k");
            s.call("b", "SET", "k", "1");
            s.read("a");
            s.call("b", "MSET", "k1", "x", "k2", "y");
            s.read("a");
            s.read("a");
            // Forgotten after the invalidation: a second write sends nothing until the key is read again.
            s.call("b", "SET", "k", "2");
            s.call("a", "PING");
            s.call("a", "GET", "k");
            s.call("b", "APPEND", "k", "3");
            s.read("a");
            // Another database, same key name: the table is shared by all databases, as in Redis.
            s.call("a", "GET", "k");
            s.call("b", "SELECT", "5");
            s.call("b", "SET", "k", "in-db-5");
            s.read("a");
            // Writes that change nothing invalidate nothing.
            s.call("a", "GET", "nx");
            s.call("b", "SELECT", "0");
            s.call("b", "SET", "k", "v");
            s.call("b", "SET", "k", "w", "NX");
            s.call("b", "DEL", "missing-nx");
            s.call("a", "PING");
            recordInfo(s);
        });
        assertThat(t).contains("a < " + PUSH_K);
        assertThat(t.stream().filter(l -> l.startsWith("a < >2")).count()).isEqualTo(5);
    }

    @Test
    void keysAScriptReadsAreTrackedForItsCaller() throws Exception {
        sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.call("a", "EVAL", "return redis.call('get', KEYS[1])", "1", "k");
            s.call("a", "EVAL", "return redis.call('set', KEYS[1], 'w')", "1", "written");
            s.call("b", "SET", "k", "1");
            s.read("a");
            s.call("b", "SET", "written", "2");
            s.call("a", "PING");
        });
    }

    @Test
    void trackingCountsInInfo() throws Exception {
        sameOnBoth(s -> {
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.call("a", "MGET", "x", "y", "z");
            s.call("b", "CLIENT", "TRACKING", "ON");
            s.call("b", "GET", "x");
            s.call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p", "PREFIX", "q");
            s.call("d", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p");
            recordInfo(s);
            s.call("e", "SET", "x", "1");
            recordInfo(s);
            s.call("c", "CLIENT", "TRACKING", "OFF");
            s.call("a", "CLIENT", "TRACKING", "OFF");
            recordInfo(s);
            s.call("e", "FLUSHALL");
            recordInfo(s);
        });
    }

    private static void recordInfo(Session s) throws IOException {
        String info = new String(s.client("info").call("INFO"), StandardCharsets.UTF_8);
        StringBuilder fields = new StringBuilder();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("tracking_")) {
                fields.append(line).append(' ');
            }
        }
        s.transcript.add("INFO " + fields);
    }

    @Test
    void resp2RedirectDeliversPubSubMessages() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.call("r", "SUBSCRIBE", "__redis__:invalidate");
            s.call("a", "CLIENT", "TRACKING", "ON", "REDIRECT", "{r}");
            s.call("a", "CLIENT", "GETREDIR");
            s.call("a", "CLIENT", "TRACKINGINFO");
            s.clientInfo("a", "a");
            s.call("a", "GET", "k");
            s.call("b", "SET", "k", "1");
            s.read("r");
            // The tracking client's own write: the message goes to the redirect target, after the reply.
            s.call("a", "GET", "k");
            s.call("a", "DEL", "k");
            s.read("r");
            s.call("b", "FLUSHALL");
            s.read("r");
            // A RESP2 client without REDIRECT is tracked but cannot be told.
            s.call("c", "CLIENT", "TRACKING", "ON");
            s.call("c", "GET", "k");
            s.call("b", "SET", "k", "2");
            s.call("c", "PING");
        });
        assertThat(t).contains("r < *3\\r\\n$7\\r\\nmessage\\r\\n$20\\r\\n__redis__:invalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n");
        assertThat(t).contains("r < *3\\r\\n$7\\r\\nmessage\\r\\n$20\\r\\n__redis__:invalidate\\r\\n$-1\\r\\n");
    }

    @Test
    void redirectToAResp3ClientAndBrokenRedirect() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("r");
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON", "REDIRECT", "{r}");
            s.call("a", "GET", "k");
            s.call("a", "GET", "j");
            s.call("b", "SET", "k", "1");
            s.read("r");
            s.call("r", "QUIT");
            s.call("b", "SET", "j", "1");
            s.read("a");
            s.call("a", "CLIENT", "TRACKINGINFO");
            s.clientInfo("b", "a");
            s.call("b", "FLUSHDB");
            s.read("a");
            // Re-enabling clears the broken flag and the redirect.
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.call("a", "CLIENT", "TRACKINGINFO");
            s.clientInfo("b", "a");
        });
        assertThat(t).contains("a < >2\\r\\n$21\\r\\ntracking-redir-broken\\r\\n:{r}\\r\\n");
        assertThat(t).contains("b < flags=tR redir={r}");
    }

    @Test
    void bcastSendsSortedKeysPerPrefixOncePerBatch() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "obj");
            s.resp3("n");
            s.call("n", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
            s.clientInfo("n", "a");
            // One write with two commands: their keys arrive together, sorted and without duplicates.
            s.pipeline("c", new String[]{"MSET", "user:2", "x", "obj1", "y", "user:1", "z", "other", "w"},
                    new String[]{"SET", "user:2", "again"});
            s.read("c");
            s.read("c");
            s.read("a");
            s.read("a");
            s.read("n");
            // NOLOOP: n hears of others' writes but not of its own.
            s.call("n", "MSET", "user:3", "1", "zzz", "1", "b1", "1");
            s.read("a");
            s.call("n", "PING");
            s.call("n", "SET", "user:4", "1");
            s.call("c", "SET", "user:4", "2");
            s.read("a");
            s.read("a");
            s.read("n");
            // A client without NOLOOP hears of its own writes, after the reply.
            s.call("a", "SET", "user:5", "1");
            s.read("a");
            s.read("n");
            s.call("a", "CLIENT", "TRACKING", "OFF");
            s.call("c", "SET", "user:6", "1");
            s.read("n");
            s.call("a", "PING");
        });
        assertThat(t).contains("a < >2\\r\\n$10\\r\\ninvalidate\\r\\n*2\\r\\n$6\\r\\nuser:1\\r\\n$6\\r\\nuser:2\\r\\n");
        assertThat(t).contains("n < >2\\r\\n$10\\r\\ninvalidate\\r\\n*4\\r\\n$4\\r\\nobj1\\r\\n$5\\r\\nother\\r\\n"
                + "$6\\r\\nuser:1\\r\\n$6\\r\\nuser:2\\r\\n");
    }

    @Test
    void optInAndOptOutTrackOnlyWhatCachingSays() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON", "OPTIN");
            s.call("a", "GET", "o1");
            s.call("a", "CLIENT", "CACHING", "YES");
            s.call("a", "GET", "o2");
            s.call("a", "GET", "o3");
            s.call("a", "CLIENT", "CACHING", "YES");
            s.call("a", "MULTI");
            s.call("a", "GET", "o4");
            s.call("a", "GET", "o5");
            s.call("a", "EXEC");
            s.call("a", "GET", "o6");
            s.call("b", "MSET", "o1", "1", "o2", "2", "o3", "3", "o4", "4", "o5", "5", "o6", "6");
            s.read("a");
            s.read("a");
            s.read("a");
            s.call("a", "PING");
            s.call("a", "CLIENT", "TRACKING", "OFF");
            s.call("a", "CLIENT", "TRACKING", "ON", "OPTOUT");
            s.call("a", "CLIENT", "CACHING", "NO");
            s.call("a", "GET", "p1");
            s.call("a", "GET", "p2");
            s.call("b", "MSET", "p1", "1", "p2", "2");
            s.read("a");
            s.call("a", "PING");
        });
        assertThat(t.stream().filter(l -> l.startsWith("a < >2")).count()).isEqualTo(4);
    }

    @Test
    void noLoopSkipsTheClientsOwnWrites() throws Exception {
        sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON", "NOLOOP");
            s.call("a", "GET", "n");
            s.call("a", "SET", "n", "1");
            s.call("a", "PING");
            // The own write still dropped the key from the table.
            s.call("b", "SET", "n", "2");
            s.call("a", "PING");
            s.call("a", "GET", "n");
            s.call("b", "SET", "n", "3");
            s.read("a");
        });
    }

    @Test
    void ownInvalidationsFollowTheReplyEvenInAPipelineOrTransaction() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.pipeline("a", new String[]{"GET", "k"}, new String[]{"SET", "k", "v"}, new String[]{"GET", "k"},
                    new String[]{"INCR", "k"});
            for (int i = 0; i < 5; i++) {
                s.read("a");
            }
            s.call("a", "MULTI");
            s.call("a", "GET", "k");
            s.call("a", "SET", "k", "3");
            s.call("a", "GET", "k");
            s.call("a", "SET", "k", "4");
            s.call("a", "EXEC");
            s.read("a");
            s.read("a");
            s.call("a", "PING");
        });
        assertThat(t).contains("a < " + PUSH_K);
    }

    @Test
    void flushSendsANullToEveryTrackingClient() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.resp3("n");
            s.call("n", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
            s.call("a", "GET", "k");
            s.call("b", "FLUSHALL");
            s.read("a");
            s.read("n");
            s.call("a", "FLUSHDB");
            s.read("a");
            s.read("n");
            // One null per flush, not per database; the table is empty afterwards.
            s.call("a", "PING");
            s.call("b", "SET", "k", "1");
            s.read("n");
            s.call("a", "PING");
            recordInfo(s);
            // SWAPDB does not invalidate.
            s.call("a", "GET", "k");
            s.call("b", "SWAPDB", "0", "1");
            s.call("a", "PING");
        });
        assertThat(t).contains("a < >2\\r\\n$10\\r\\ninvalidate\\r\\n_\\r\\n");
    }

    @Test
    void expiredKeysAreInvalidated() throws Exception {
        List<String> t = sameOnBoth(s -> {
            s.call("b", "DEBUG", "SET-ACTIVE-EXPIRE", "0");
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON");
            s.resp3("n");
            s.call("n", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP");
            s.call("b", "SET", "e", "v", "PX", "300");
            s.read("n");
            s.call("a", "GET", "e");
            Thread.sleep(400);
            // The lazy deletion by b's read is an expiry, not b's write.
            s.call("b", "GET", "e");
            s.read("a");
            s.read("n");
            // Expired by the reader itself, with NOLOOP: still reported to n, which did not write it.
            s.call("n", "SET", "f", "v", "PX", "100");
            Thread.sleep(200);
            s.call("n", "GET", "f");
            s.read("n");
            // The active expiry cycle, with nobody touching the key: the cron sends both kinds.
            s.call("b", "DEBUG", "SET-ACTIVE-EXPIRE", "1");
            s.call("b", "SET", "g", "v", "PX", "300");
            s.read("n");
            s.call("a", "GET", "g");
            s.read("a");
            s.read("n");
            recordInfo(s);
        });
        assertThat(t).contains("a < >2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\ne\\r\\n");
        assertThat(t).contains("n < >2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\nf\\r\\n");
        assertThat(t).contains("a < >2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\ng\\r\\n");
    }

    /** Over tracking-table-max-keys, random keys are forgotten with an invalidation until the table fits. */
    @Test
    void tableLimitEvictsKeysWithInvalidations() throws Exception {
        for (int port : new int[]{redis.port(), larder.port()}) {
            emptyServer(port);
            try (Session s = new Session(port)) {
                s.resp3("a");
                s.call("a", "CLIENT", "TRACKING", "ON");
                s.call("a", "MGET", "e1", "e2", "e3");
                s.call("b", "CONFIG", "SET", "tracking-table-max-keys", "1");
                Set<String> evicted = new HashSet<>();
                String reply;
                s.send("a", "PING");
                while ((reply = s.read("a")).startsWith(">2")) {
                    evicted.add(reply);
                }
                assertThat(reply).as("port %d", port).isEqualTo("+PONG\r\n");
                assertThat(evicted).as("port %d", port).hasSize(2).allMatch(p -> p.matches("(?s).*\\$2\r\ne[123]\r\n"));
                String info = new String(s.client("b").call("INFO", "stats"), StandardCharsets.UTF_8);
                assertThat(info).contains("tracking_total_keys:1\r\n", "tracking_total_items:1\r\n");
                s.call("b", "CONFIG", "SET", "tracking-table-max-keys", "1000000");
            }
        }
    }

    @Test
    void resetAndDisconnectEndTracking() throws Exception {
        sameOnBoth(s -> {
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x");
            recordInfo(s);
            s.call("a", "RESET");
            s.resp3("a");
            s.call("a", "CLIENT", "TRACKINGINFO");
            s.call("b", "SET", "x1", "1");
            s.call("a", "PING");
            recordInfo(s);
        });
    }
}
