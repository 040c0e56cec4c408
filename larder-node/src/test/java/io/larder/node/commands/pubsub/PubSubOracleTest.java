package io.larder.node.commands.pubsub;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/sub with several connections per server, side by side against redis-server: every confirmation, message
 * and reply is logged as raw bytes and the logs must be identical. Where Redis's order is that of its hash
 * tables (UNSUBSCRIBE without arguments, PUBSUB CHANNELS), the names are compared as sets and the counts in order.
 */
class PubSubOracleTest extends OracleTestBase {

    /** What one scenario does with its connections; run once per server. */
    interface Scenario {
        void run(Session s) throws IOException;
    }

    /** Connections to one server and the log of everything they received. */
    static final class Session implements AutoCloseable {
        final int port;
        final List<String> log = new ArrayList<>();
        final List<RawClient> clients = new ArrayList<>();
        final RawClient sub;
        final RawClient pub;

        Session(int port) throws IOException {
            this.port = port;
            sub = connect();
            pub = connect();
        }

        RawClient connect() throws IOException {
            RawClient c = new RawClient(port);
            clients.add(c);
            return c;
        }

        /** Sends a command and logs the given number of replies, confirmations or messages it produces. */
        void call(RawClient c, int replies, String... args) throws IOException {
            c.send(bytes(args));
            read(c, replies);
        }

        void call(RawClient c, int replies, byte[]... args) throws IOException {
            c.send(args);
            read(c, replies);
        }

        void read(RawClient c, int replies) throws IOException {
            for (int i = 0; i < replies; i++) {
                log.add(clients.indexOf(c) + "> " + text(c.readReply()));
            }
        }

        /** For replies whose order is Redis's hash order: names sorted, counts in arrival order. */
        void callUnordered(RawClient c, int replies, String... args) throws IOException {
            c.send(bytes(args));
            List<String> names = new ArrayList<>();
            List<String> counts = new ArrayList<>();
            for (int i = 0; i < replies; i++) {
                String[] parts = text(c.readReply()).split("\r\n");
                names.add(parts[0] + " " + parts[2] + " " + parts[4]);
                counts.add(parts[5]);
            }
            names.sort(null);
            log.add(clients.indexOf(c) + "> " + names + " counts " + counts);
        }

        /** A flat array of bulk strings (PUBSUB CHANNELS), sorted. */
        void callSortedArray(RawClient c, String... args) throws IOException {
            String[] parts = text(c.call(bytes(args))).split("\r\n");
            List<String> items = new ArrayList<>();
            for (int i = 2; i < parts.length; i += 2) {
                items.add(parts[i]);
            }
            items.sort(null);
            log.add(clients.indexOf(c) + "> " + parts[0] + " " + items);
        }

        void hello3(RawClient c) throws IOException {
            c.call("HELLO", "3"); // not logged: carries the version and client id
        }

        @Override
        public void close() throws IOException {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    private void sameOnBoth(Scenario scenario) throws IOException {
        List<String> want;
        List<String> got;
        try (Session s = new Session(redis.port())) {
            scenario.run(s);
            want = s.log;
        }
        try (Session s = new Session(larder.port())) {
            scenario.run(s);
            got = s.log;
        }
        assertThat(got).containsExactlyElementsOf(want);
    }

    static byte[][] bytes(String... args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            out[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    static String text(byte[] reply) {
        return new String(reply, StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void channelPatternAndShardMessages(int protocol) throws IOException {
        sameOnBoth(s -> {
            if (protocol == 3) {
                s.hello3(s.sub);
            }
            s.call(s.sub, 2, "SUBSCRIBE", "cps:news", "cps:weather");
            s.call(s.sub, 3, "PSUBSCRIBE", "cps:n*", "cps:w?ather", "cps:[xy]z");
            s.call(s.sub, 1, "SSUBSCRIBE", "cps:news");
            s.call(s.pub, 1, "PUBLISH", "cps:news", "hello");
            s.read(s.sub, 2); // the channel's message before the pattern's
            s.call(s.pub, 1, "PUBLISH", "cps:weather", "");
            s.read(s.sub, 2);
            s.call(s.pub, 1, "PUBLISH", "cps:xz", "bin\u0000\r\n\u00ff");
            s.read(s.sub, 1);
            s.call(s.pub, 1, "PUBLISH", "cps:n", "short");
            s.read(s.sub, 1);
            s.call(s.pub, 1, "PUBLISH", "cps:other", "nobody");
            // Shard channels are a namespace of their own.
            s.call(s.pub, 1, "SPUBLISH", "cps:news", "sharded");
            s.read(s.sub, 1);
            s.call(s.pub, 1, "SPUBLISH", "cps:weather", "nobody");
            s.call(s.pub, 1, "PUBSUB", "NUMSUB", "cps:news", "cps:weather", "cps:other");
            s.call(s.pub, 1, "PUBSUB", "SHARDNUMSUB", "cps:news", "cps:weather");
            s.call(s.pub, 1, "PUBSUB", "NUMPAT");
            s.callSortedArray(s.pub, "PUBSUB", "CHANNELS", "cps:*");
            s.callSortedArray(s.pub, "PUBSUB", "SHARDCHANNELS");
            s.call(s.pub, 1, "PUBSUB", "CHANNELS", "cps:n*");
            s.call(s.sub, 1, "UNSUBSCRIBE", "cps:news");
            s.call(s.pub, 1, "PUBLISH", "cps:news", "pattern only");
            s.read(s.sub, 1);
            s.call(s.sub, 1, "PUNSUBSCRIBE", "cps:n*");
            s.call(s.pub, 1, "PUBLISH", "cps:news", "nobody");
            s.call(s.sub, 1, "UNSUBSCRIBE");
            s.callUnordered(s.sub, 2, "PUNSUBSCRIBE");
            s.call(s.sub, 1, "PUNSUBSCRIBE");
            s.call(s.sub, 1, "SUNSUBSCRIBE");
            s.call(s.sub, 1, "PING");
            s.call(s.pub, 1, "PUBSUB", "NUMPAT");
        });
    }

    @Test
    void resp3ClientReceivesItsOwnMessagesBeforeThePublishReply() throws IOException {
        sameOnBoth(s -> {
            s.hello3(s.sub);
            s.call(s.sub, 1, "SUBSCRIBE", "self:ch");
            s.call(s.sub, 1, "PSUBSCRIBE", "self:*");
            s.call(s.sub, 3, "PUBLISH", "self:ch", "to myself");
            s.call(s.sub, 1, "SET", "self:k", "v");
            s.call(s.sub, 1, "GET", "self:k");
            s.call(s.sub, 1, "PING");
            s.call(s.sub, 1, "PUBSUB", "NUMSUB", "self:ch");
        });
    }

    /** Pushes go out under CLIENT REPLY OFF/SKIP, which silence only replies. */
    @Test
    void confirmationsAndMessagesIgnoreClientReplyOff() throws IOException {
        sameOnBoth(s -> {
            s.call(s.sub, 0, "CLIENT", "REPLY", "OFF");
            s.call(s.sub, 1, "SUBSCRIBE", "off:ch");
            s.call(s.pub, 1, "PUBLISH", "off:ch", "m");
            s.read(s.sub, 1);
            s.call(s.sub, 0, "PING");
            s.call(s.sub, 1, "UNSUBSCRIBE");
            s.call(s.sub, 1, "CLIENT", "REPLY", "ON");
            s.call(s.sub, 0, "CLIENT", "REPLY", "SKIP");
            s.call(s.sub, 2, "SUBSCRIBE", "off:x", "off:y");
            s.call(s.sub, 1, "PING");
            // Refused in subscribed mode; the error is a reply like any other.
            s.call(s.sub, 1, "CLIENT", "REPLY", "SKIP");
            s.callUnordered(s.sub, 2, "UNSUBSCRIBE");
            s.call(s.sub, 1, "GET", "off:k");

            RawClient resp3 = s.connect();
            s.hello3(resp3);
            s.call(resp3, 0, "CLIENT", "REPLY", "OFF");
            s.call(resp3, 1, "SUBSCRIBE", "off:self");
            s.call(resp3, 1, "PUBLISH", "off:self", "only the push");
            s.call(resp3, 0, "GET", "off:k");
            s.call(resp3, 1, "CLIENT", "REPLY", "ON");
            s.call(resp3, 2, "PUBLISH", "off:self", "push and reply");
        });
    }

    @Test
    void resp2AndResp3SubscribersOfOneChannel() throws IOException {
        sameOnBoth(s -> {
            RawClient third = s.connect();
            s.hello3(third);
            s.call(s.sub, 1, "SUBSCRIBE", "mix:ch");
            s.call(third, 1, "SUBSCRIBE", "mix:ch");
            s.call(third, 1, "PSUBSCRIBE", "mix:*");
            s.call(s.pub, 1, "PUBLISH", "mix:ch", "both");
            s.read(s.sub, 1);
            s.read(third, 2);
            s.call(s.pub, 1, "PUBSUB", "NUMSUB", "mix:ch");
            s.call(s.sub, 1, "UNSUBSCRIBE", "mix:ch");
            s.call(s.pub, 1, "PUBLISH", "mix:ch", "one left");
            s.read(third, 2);
        });
    }

    @Test
    void manySubscribersOnOneChannel() throws IOException {
        sameOnBoth(s -> {
            List<RawClient> subscribers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                RawClient c = s.connect();
                if (i % 3 == 0) {
                    s.hello3(c);
                }
                s.call(c, 1, i % 2 == 0 ? "SUBSCRIBE" : "PSUBSCRIBE", i % 2 == 0 ? "many:ch" : "many:*");
                subscribers.add(c);
            }
            for (int m = 0; m < 5; m++) {
                s.call(s.pub, 1, "PUBLISH", "many:ch", "message " + m);
            }
            for (RawClient c : subscribers) {
                s.read(c, 5);
            }
            s.call(s.pub, 1, "PUBSUB", "NUMSUB", "many:ch");
            s.call(s.pub, 1, "PUBSUB", "NUMPAT");
        });
    }

    @Test
    void manyChannelsAndPatterns() throws IOException {
        int channels = 1000;
        int patterns = 100;
        sameOnBoth(s -> {
            String[] subscribe = new String[channels + 1];
            subscribe[0] = "SUBSCRIBE";
            for (int i = 0; i < channels; i++) {
                subscribe[i + 1] = "big:" + i;
            }
            s.call(s.sub, channels, subscribe);
            String[] psubscribe = new String[patterns + 1];
            psubscribe[0] = "PSUBSCRIBE";
            for (int i = 0; i < patterns; i++) {
                psubscribe[i + 1] = "big:" + i + "?";
            }
            s.call(s.sub, patterns, psubscribe);
            for (int i = 0; i < channels; i += 7) {
                s.call(s.pub, 1, "PUBLISH", "big:" + i, "m" + i);
                // Channels from big:10 on also match a pattern: big:1? takes big:10..19, big:10? big:100..109.
                s.read(s.sub, i >= 10 ? 2 : 1);
            }
            String[] numsub = new String[channels + 2];
            numsub[0] = "PUBSUB";
            numsub[1] = "NUMSUB";
            System.arraycopy(subscribe, 1, numsub, 2, channels);
            s.call(s.pub, 1, numsub);
            s.call(s.pub, 1, "PUBSUB", "NUMPAT");
            s.callSortedArray(s.pub, "PUBSUB", "CHANNELS", "big:*");
            s.callSortedArray(s.pub, "PUBSUB", "CHANNELS", "big:9?");
            s.callUnordered(s.sub, channels, "UNSUBSCRIBE");
            s.callUnordered(s.sub, patterns, "PUNSUBSCRIBE");
            s.call(s.pub, 1, "PUBSUB", "NUMPAT");
            s.call(s.pub, 1, "PUBSUB", "CHANNELS", "big:*");
        });
    }

    /** Redis's glob rules through PSUBSCRIBE: one pattern at a time against fixed and seeded random channel names. */
    @Test
    void patternMatching() throws IOException {
        List<String> patterns = new ArrayList<>(List.of("*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo",
                "h[b-a]llo", "h\\*llo", "h\\", "[", "a[", "[]]", "[!a]", "x*y*z", "*[a-", "?", "", "**", "a\\?",
                "[\\]]", "h[ae-]llo", "\\\\"));
        List<String> channels = new ArrayList<>(List.of("hello", "hallo", "hbllo", "hxllo", "hllo", "heeello",
                "h*llo", "h\\", "[", "a[", "]", "!", "b", "xyz", "x1y2z3", "", "a?", "ab", "\\", "h-llo"));
        Random random = new Random(42);
        String alphabet = "ab*?[]^\\-x!";
        for (int i = 0; i < 40; i++) {
            StringBuilder p = new StringBuilder();
            StringBuilder c = new StringBuilder();
            for (int k = random.nextInt(6); k > 0; k--) {
                p.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            for (int k = random.nextInt(6); k > 0; k--) {
                c.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            patterns.add(p.toString());
            channels.add(c.toString());
        }
        sameOnBoth(s -> {
            for (String pattern : patterns) {
                s.call(s.sub, 1, "PSUBSCRIBE", pattern);
                for (String channel : channels) {
                    byte[] reply = s.pub.call(bytes("PUBLISH", channel, "x"));
                    s.log.add("PUBLISH " + channel + " " + text(reply));
                    if (text(reply).equals(":1\r\n")) {
                        s.read(s.sub, 1);
                    }
                }
                s.call(s.sub, 1, "PUNSUBSCRIBE", pattern);
            }
        });
    }

    @Test
    void clientListAndInfoShowSubscriptions() throws IOException {
        sameOnBoth(s -> {
            s.call(s.sub, 2, "SUBSCRIBE", "cl:a", "cl:b");
            s.call(s.sub, 1, "PSUBSCRIBE", "cl:*");
            s.call(s.sub, 1, "SSUBSCRIBE", "cl:s");
            RawClient shardOnly = s.connect();
            s.call(shardOnly, 1, "SSUBSCRIBE", "cl:s");
            logClientFields(s);
            logInfoFields(s);
            s.call(s.sub, 1, "UNSUBSCRIBE", "cl:a");
            s.call(s.sub, 1, "PUNSUBSCRIBE");
            logClientFields(s);
            s.call(s.sub, 1, "RESET");
            s.call(shardOnly, 1, "SUNSUBSCRIBE");
            logClientFields(s);
            logInfoFields(s);
        });
    }

    /** The pub/sub fields of every CLIENT LIST line, for each type filter. */
    private static void logClientFields(Session s) throws IOException {
        for (String type : new String[]{"normal", "pubsub"}) {
            String list = text(s.pub.call("CLIENT", "LIST", "TYPE", type));
            List<String> lines = new ArrayList<>();
            for (String line : list.split("\n")) {
                StringBuilder fields = new StringBuilder(type);
                for (String field : line.split(" ")) {
                    if (field.startsWith("flags=") || field.startsWith("sub=") || field.startsWith("psub=")
                            || field.startsWith("ssub=") || field.startsWith("cmd=")) {
                        fields.append(' ').append(field);
                    }
                }
                lines.add(fields.toString());
            }
            // Sorted: Larder numbers connections as its two event loops activate them, not strictly in accept order.
            lines.sort(null);
            s.log.add(lines.toString());
        }
    }

    /** INFO's pub/sub counters that redis-server 7.0 has (pubsub_clients is 7.2's; see PubSubLarderTest). */
    private static void logInfoFields(Session s) throws IOException {
        for (String line : text(s.pub.call("INFO", "stats")).split("\r\n")) {
            if (line.startsWith("pubsub")) {
                s.log.add(line);
            }
        }
    }

    @Test
    void disconnectedSubscribersLeaveNothingBehind() throws IOException {
        sameOnBoth(s -> {
            RawClient leaving = s.connect();
            s.call(leaving, 2, "SUBSCRIBE", "gone:a", "gone:b");
            s.call(leaving, 1, "PSUBSCRIBE", "gone:*");
            s.call(leaving, 1, "SSUBSCRIBE", "gone:s");
            leaving.close();
            s.clients.remove(leaving);
            awaitReply(s.pub, ":0\r\n", "PUBSUB", "NUMPAT");
            s.call(s.pub, 1, "PUBSUB", "NUMSUB", "gone:a", "gone:b");
            s.call(s.pub, 1, "PUBSUB", "SHARDNUMSUB", "gone:s");
            s.call(s.pub, 1, "PUBSUB", "CHANNELS", "gone:*");
            s.call(s.pub, 1, "PUBLISH", "gone:a", "nobody");
            s.call(s.pub, 1, "SPUBLISH", "gone:s", "nobody");
        });
    }

    @Test
    void clientKillTypePubsub() throws IOException {
        sameOnBoth(s -> {
            s.call(s.sub, 1, "PSUBSCRIBE", "kill:*");
            RawClient shard = s.connect();
            s.call(shard, 1, "SSUBSCRIBE", "kill:s");
            s.call(s.pub, 1, "CLIENT", "KILL", "TYPE", "pubsub");
            awaitReply(s.pub, ":0\r\n", "PUBSUB", "NUMPAT");
            awaitReply(s.pub, "*2\r\n$6\r\nkill:s\r\n:0\r\n", "PUBSUB", "SHARDNUMSUB", "kill:s");
            s.log.add("subscriber closed: " + s.sub.closedByServer() + " " + shard.closedByServer());
            s.call(s.pub, 1, "CLIENT", "KILL", "TYPE", "pubsub");
        });
    }

    /** INFO pubsub_clients is Redis 7.2's (the 7.0 oracle lacks it): clients with any subscription. */
    @Test
    void infoCountsPubsubClients() throws Exception {
        try (RawClient a = new RawClient(larder.port()); RawClient b = new RawClient(larder.port());
             RawClient c = new RawClient(larder.port()); RawClient admin = new RawClient(larder.port())) {
            assertThat(pubsubClients(admin)).isEqualTo(0);
            a.call("SUBSCRIBE", "pc:1");
            a.call("PSUBSCRIBE", "pc:*");
            b.call("SSUBSCRIBE", "pc:s");
            c.call("HELLO", "3");
            c.call("SUBSCRIBE", "pc:2");
            assertThat(pubsubClients(admin)).isEqualTo(3);
            a.call("UNSUBSCRIBE");
            assertThat(pubsubClients(admin)).isEqualTo(3); // a still has its pattern
            a.call("PUNSUBSCRIBE");
            c.call("RESET");
            assertThat(pubsubClients(admin)).isEqualTo(1);
            b.close();
            long deadline = System.currentTimeMillis() + 5000;
            while (pubsubClients(admin) != 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(pubsubClients(admin)).isEqualTo(0);
        }
    }

    private static int pubsubClients(RawClient admin) throws IOException {
        for (String line : text(admin.call("INFO", "clients")).split("\r\n")) {
            if (line.startsWith("pubsub_clients:")) {
                return Integer.parseInt(line.substring("pubsub_clients:".length()));
            }
        }
        throw new AssertionError("no pubsub_clients in INFO");
    }

    /** Asks until the reply is the wanted one (a closed connection is cleaned up asynchronously on both servers). */
    static void awaitReply(RawClient c, String want, String... args) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        String got = text(c.call(bytes(args)));
        while (!got.equals(want) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            got = text(c.call(bytes(args)));
        }
        assertThat(got).isEqualTo(want);
    }
}
