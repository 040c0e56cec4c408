package io.larder.node.connection;

import io.larder.node.server.Version;
import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection commands whose replies carry ids, addresses or times, so they cannot be compared with the oracle. */
class ConnectionCommandsTest extends LarderTestBase {
    @Test
    void hello3AnswersWithTheServerMap() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            long id = Long.parseLong(c.callText("CLIENT", "ID").substring(1).trim());
            String reply = c.callText("HELLO", "3");
            assertThat(reply).isEqualTo("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$"
                    + Version.REDIS.length() + "\r\n" + Version.REDIS + "\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:" + id
                    + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
            // Without a version HELLO reports the current protocol; HELLO 2 goes back to a flat array.
            assertThat(c.callText("HELLO")).startsWith("%7\r\n").contains("$5\r\nproto\r\n:3\r\n");
            assertThat(c.callText("HELLO", "2", "SETNAME", "lib")).startsWith("*14\r\n").contains(":2\r\n");
            assertThat(c.callText("CLIENT", "GETNAME")).isEqualTo("$3\r\nlib\r\n");
        }
    }

    @Test
    void resetRestoresANewConnectionsState() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            c.call("HELLO", "3", "SETNAME", "x");
            c.call("SELECT", "5");
            c.call("CLIENT", "NO-TOUCH", "on");
            assertThat(c.callText("RESET")).isEqualTo("+RESET\r\n");
            String info = clientInfo(c);
            assertThat(field(info, "db")).isEqualTo("0");
            assertThat(field(info, "name")).isEmpty();
            assertThat(field(info, "resp")).isEqualTo("2");
            assertThat(field(info, "flags")).isEqualTo("N");
        }
    }

    @Test
    void clientListPrintsEveryRedis72Field() throws IOException {
        try (RawClient c = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            other.call("CLIENT", "SETNAME", "other");
            other.call("CLIENT", "SETINFO", "LIB-NAME", "jedis");
            other.call("CLIENT", "SETINFO", "lib-ver", "5.1.0");
            other.call("SELECT", "3");
            String list = bulk(c.call("CLIENT", "LIST"));
            String[] lines = list.split("\n");
            assertThat(lines.length).isGreaterThanOrEqualTo(2);
            String line = Arrays.stream(lines).filter(l -> l.contains(" name=other ")).findFirst().orElseThrow();
            assertThat(keys(line)).containsExactly("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db",
                    "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
                    "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver");
            assertThat(field(line, "db")).isEqualTo("3");
            assertThat(field(line, "cmd")).isEqualTo("select");
            assertThat(field(line, "lib-name")).isEqualTo("jedis");
            assertThat(field(line, "lib-ver")).isEqualTo("5.1.0");
            assertThat(field(line, "user")).isEqualTo("default");
            assertThat(field(line, "addr")).startsWith("127.0.0.1:");
            assertThat(field(line, "laddr")).isEqualTo("127.0.0.1:" + larder.port());
            String mine = clientInfo(c);
            assertThat(field(mine, "cmd")).isEqualTo("client|info");
            // ID filters.
            String otherId = field(line, "id");
            assertThat(bulk(c.call("CLIENT", "LIST", "ID", otherId, "999999"))).isEqualTo(line + "\n");
            assertThat(bulk(c.call("CLIENT", "LIST", "TYPE", "normal"))).contains(" name=other ");
            assertThat(bulk(c.call("CLIENT", "LIST", "TYPE", "replica"))).isEmpty();
        }
    }

    @Test
    void setInfoValidatesAttributes() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("CLIENT", "SETINFO", "lib-name", "a b"))
                    .isEqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
            assertThat(c.callText("CLIENT", "SETINFO", "foo", "x")).isEqualTo("-ERR Unrecognized option 'foo'\r\n");
            assertThat(c.callText("CLIENT", "SETINFO", "lib-name")).isEqualTo(
                    "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
        }
    }

    @Test
    void killByAddressIdTypeAndSkipme() throws IOException {
        try (RawClient c = new RawClient(larder.port());
             RawClient a = new RawClient(larder.port());
             RawClient b = new RawClient(larder.port())) {
            String aInfo = clientInfo(a);
            assertThat(c.callText("CLIENT", "KILL", field(aInfo, "addr"))).isEqualTo("+OK\r\n");
            assertThat(a.closedByServer()).isTrue();

            String bId = field(clientInfo(b), "id");
            assertThat(c.callText("CLIENT", "KILL", "ID", bId)).isEqualTo(":1\r\n");
            assertThat(b.closedByServer()).isTrue();

            // SKIPME yes (the default) spares the caller; SKIPME no closes it after the reply.
            String myId = field(clientInfo(c), "id");
            assertThat(c.callText("CLIENT", "KILL", "ID", myId)).isEqualTo(":0\r\n");
            assertThat(c.callText("CLIENT", "KILL", "ID", myId, "SKIPME", "no")).isEqualTo(":1\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = new RawClient(larder.port()); RawClient d = new RawClient(larder.port())) {
            d.call("PING");
            String laddr = field(clientInfo(d), "laddr");
            assertThat(c.callText("CLIENT", "KILL", "LADDR", laddr, "USER", "default", "MAXAGE", "0"))
                    .isEqualTo(":1\r\n");
            assertThat(d.closedByServer()).isTrue();
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void replyOffAndSkipDropReplies() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            c.sendRaw(cmd("CLIENT", "REPLY", "OFF"));
            c.sendRaw(cmd("SET", "reply-k", "1"));
            c.sendRaw(cmd("GET", "reply-k"));
            c.sendRaw(cmd("NOSUCHCOMMAND"));
            assertThat(c.callText("CLIENT", "REPLY", "ON")).isEqualTo("+OK\r\n");
            c.sendRaw(cmd("CLIENT", "REPLY", "SKIP"));
            c.sendRaw(cmd("ECHO", "skipped"));
            assertThat(c.callText("ECHO", "shown")).isEqualTo("$5\r\nshown\r\n");
            assertThat(c.callText("GET", "reply-k")).isEqualTo("$1\r\n1\r\n");
        }
    }

    @Test
    void pauseHoldsCommandsUntilUnpause() throws Exception {
        try (RawClient admin = new RawClient(larder.port()); RawClient c = new RawClient(larder.port())) {
            assertThat(admin.callText("CLIENT", "PAUSE", "10000", "WRITE")).isEqualTo("+OK\r\n");
            // Reads go on during a WRITE pause; writes wait.
            assertThat(c.callText("GET", "pause-k")).isEqualTo("$-1\r\n");
            c.sendRaw(cmd("SET", "pause-k", "v"));
            Thread.sleep(200);
            assertThat(admin.callText("GET", "pause-k")).isEqualTo("$-1\r\n");
            long start = System.nanoTime();
            assertThat(admin.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
            assertThat(new String(c.readReply())).isEqualTo("+OK\r\n");
            assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
            assertThat(admin.callText("GET", "pause-k")).isEqualTo("$1\r\nv\r\n");
        }
    }

    @Test
    void pauseEndsByItselfAtTheTimeout() throws Exception {
        try (RawClient admin = new RawClient(larder.port()); RawClient c = new RawClient(larder.port())) {
            long start = System.nanoTime();
            assertThat(admin.callText("CLIENT", "PAUSE", "300")).isEqualTo("+OK\r\n");
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(waited).isBetween(250L, 3000L);
        }
    }

    @Test
    void monitorStreamsCommandsInRedisFormat() throws IOException {
        try (RawClient m = new RawClient(larder.port()); RawClient c = new RawClient(larder.port())) {
            assertThat(m.callText("MONITOR")).isEqualTo("+OK\r\n");
            String addr = field(clientInfo(c), "addr");
            // The CLIENT INFO above is shown too.
            assertThat(new String(m.readReply())).matches("\\+\\d+\\.\\d{6} \\[0 " + Pattern.quote(addr)
                    + "\\] \"CLIENT\" \"INFO\"\r\n");
            c.call(new byte[][]{"SET".getBytes(), "k".getBytes(), "a\"b\u0001\n\\".getBytes()});
            assertThat(new String(m.readReply())).matches("\\+\\d+\\.\\d{6} \\[0 " + Pattern.quote(addr)
                    + "\\] \"SET\" \"k\" \"a\\\\\"b\\\\x01\\\\n\\\\\\\\\"\r\n");
            c.call("AUTH", "default", "secret");
            assertThat(new String(m.readReply())).endsWith("\"AUTH\" \"(redacted)\" \"(redacted)\"\r\n");
            c.call("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n");
            assertThat(new String(m.readReply()))
                    .endsWith("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n");
            c.call("SELECT", "2");
            assertThat(new String(m.readReply())).contains(" [2 ").endsWith("\"SELECT\" \"2\"\r\n");
            // Rejected and admin commands are not shown; the next line is the ECHO.
            c.call("NOSUCH");
            c.call("CONFIG", "GET", "port");
            c.call("ECHO", "last");
            assertThat(new String(m.readReply())).endsWith("\"ECHO\" \"last\"\r\n");
            // The monitor itself may not touch keys, sees its own commands after their replies, and RESET ends it.
            assertThat(m.callText("GET", "k")).isEqualTo("-ERR Replica can't interact with the keyspace\r\n");
            assertThat(m.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(new String(m.readReply())).endsWith("\"PING\"\r\n");
            assertThat(m.callText("RESET")).isEqualTo("+RESET\r\n");
            c.call("ECHO", "unseen");
            assertThat(m.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void noTouchIsShownAsFlag() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("CLIENT", "NO-TOUCH", "on")).isEqualTo("+OK\r\n");
            assertThat(c.callText("CLIENT", "NO-EVICT", "on")).isEqualTo("+OK\r\n");
            assertThat(field(clientInfo(c), "flags")).isEqualTo("eT");
            assertThat(c.callText("CLIENT", "NO-TOUCH", "maybe")).isEqualTo("-ERR syntax error\r\n");
            assertThat(larder.node().clients().stream().anyMatch(x -> x.noTouch())).isTrue();
        }
    }

    /** Redis 7.2's help texts end with "Print this help." (7.0, the installed oracle, said "Prints"). */
    @Test
    void helpTexts() throws IOException {
        try (RawClient c = new RawClient(larder.port())) {
            String client = c.callText("CLIENT", "HELP");
            assertThat(client).startsWith("*54\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
                    .contains("+SETINFO <option> <value>\r\n+    Set client meta attr. Options are:\r\n",
                            "+NO-TOUCH (ON|OFF)\r\n+    Will not touch LRU/LFU stats when this mode is on.\r\n")
                    .endsWith("+HELP\r\n+    Print this help.\r\n");
            assertThat(c.callText("CONFIG", "HELP")).isEqualTo("*11\r\n"
                    + "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+GET <pattern>\r\n"
                    + "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
                    + "+SET <directive> <value>\r\n"
                    + "+    Set the configuration <directive> to <value>.\r\n"
                    + "+RESETSTAT\r\n"
                    + "+    Reset statistics reported by the INFO command.\r\n"
                    + "+REWRITE\r\n"
                    + "+    Rewrite the configuration file.\r\n"
                    + "+HELP\r\n"
                    + "+    Print this help.\r\n");
        }
    }

    static byte[] cmd(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes();
        }
        return RawClient.encode(b);
    }

    static String clientInfo(RawClient c) throws IOException {
        return bulk(c.call("CLIENT", "INFO")).trim();
    }

    /** The text of a bulk or verbatim reply. */
    static String bulk(byte[] reply) {
        String s = new String(reply);
        assertThat(s).matches("(?s)[$=]\\d+\r\n.*\r\n");
        String body = s.substring(s.indexOf("\r\n") + 2, s.length() - 2);
        return s.startsWith("=") ? body.substring(4) : body;
    }

    static String field(String line, String key) {
        Matcher m = Pattern.compile("(?:^| )" + Pattern.quote(key) + "=(\\S*)").matcher(line);
        assertThat(m.find()).as("field %s in %s", key, line).isTrue();
        return m.group(1);
    }

    private static java.util.List<String> keys(String line) {
        return Arrays.stream(line.split(" ")).map(part -> part.substring(0, part.indexOf('='))).toList();
    }
}
