package io.larder.node.connection;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** requirepass, NOAUTH, AUTH/HELLO AUTH, maxclients, idle timeout and protected mode on a node of their own. */
class AuthAndLimitsTest {
    /** Redis 7.2's wording (7.0 had "the HELLO AUTH <user> <pass> option"). */
    private static final String HELLO_NOAUTH = "-NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
            + "RESP protocol version at the same time\r\n";

    @Test
    void requirepassDemandsAuthentication() throws Exception {
        try (LarderServer server = LarderServer.start("--requirepass", "secret");
             RawClient c = new RawClient(server.port())) {
            assertThat(c.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(c.callText("CLIENT", "ID")).isEqualTo("-NOAUTH Authentication required.\r\n");
            // Arity is checked before authentication, as in Redis.
            assertThat(c.callText("ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
            assertThat(c.callText("HELLO")).isEqualTo(HELLO_NOAUTH);
            assertThat(c.callText("HELLO", "3", "SETNAME", "x")).isEqualTo(HELLO_NOAUTH);
            assertThat(c.callText("HELLO", "4", "AUTH", "default", "secret"))
                    .isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(c.callText("HELLO", "3", "AUTH", "default", "wrong"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.callText("AUTH", "wrong"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.callText("AUTH", "nosuchuser", "secret"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.callText("AUTH", "secret")).isEqualTo("+OK\r\n");
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void helloAuthAuthenticatesAndRenames() throws Exception {
        try (LarderServer server = LarderServer.start("--requirepass", "secret");
             RawClient c = new RawClient(server.port())) {
            assertThat(c.callText("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "app")).startsWith("%7\r\n");
            assertThat(c.callText("CLIENT", "GETNAME")).isEqualTo("$3\r\napp\r\n");
            // RESET signs the connection out again.
            assertThat(c.callText("RESET")).isEqualTo("+RESET\r\n");
            assertThat(c.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(c.callText("AUTH", "default", "secret")).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void requirepassChangesAtRuntime() throws Exception {
        try (LarderServer server = LarderServer.start(); RawClient admin = new RawClient(server.port())) {
            assertThat(admin.callText("CONFIG", "SET", "requirepass", "pw")).isEqualTo("+OK\r\n");
            // Connections that were in stay in; new ones must authenticate.
            assertThat(admin.callText("PING")).isEqualTo("+PONG\r\n");
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("GET", "k")).isEqualTo("-NOAUTH Authentication required.\r\n");
                assertThat(c.callText("AUTH", "default", "pw")).isEqualTo("+OK\r\n");
            }
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                assertThat(admin.callText("CONFIG", "SET", "requirepass", "")).isEqualTo("+OK\r\n");
                // Without a password the default user needs none, even for connections that never authenticated.
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void secretsNeverReachTheSlowLog() throws Exception {
        try (LarderServer server = LarderServer.start("--requirepass", "secret", "--slowlog-log-slower-than", "0");
             RawClient c = new RawClient(server.port())) {
            c.call("AUTH", "default", "secret");
            c.call("HELLO", "2", "AUTH", "default", "secret");
            c.call("CONFIG", "SET", "masterauth", "pw", "timeout", "0");
            List<String> logged = server.node().slowLog().newest(10).stream()
                    .map(e -> e.args().stream().map(String::new).collect(Collectors.joining(" "))).toList();
            assertThat(logged).contains("AUTH (redacted) (redacted)", "HELLO 2 AUTH (redacted) (redacted)",
                    "CONFIG SET masterauth (redacted) timeout 0");
            assertThat(String.join(" ", logged)).doesNotContain("secret", "pw");
        }
    }

    @Test
    void maxclientsRejectsTheConnectionOverTheLimit() throws Exception {
        try (LarderServer server = LarderServer.start("--maxclients", "2");
             RawClient a = new RawClient(server.port());
             RawClient b = new RawClient(server.port())) {
            assertThat(a.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(b.callText("PING")).isEqualTo("+PONG\r\n");
            try (RawClient c = new RawClient(server.port())) {
                assertThat(new String(c.readReply())).isEqualTo("-ERR max number of clients reached\r\n");
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(a.callText("CONFIG", "SET", "maxclients", "3")).isEqualTo("+OK\r\n");
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void idleClientsAreClosedButMonitorsAndPausedClientsStay() throws Exception {
        try (LarderServer server = LarderServer.start("--timeout", "1", "--hz", "100");
             RawClient idle = new RawClient(server.port());
             RawClient monitor = new RawClient(server.port());
             RawClient active = new RawClient(server.port())) {
            assertThat(idle.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(monitor.callText("MONITOR")).isEqualTo("+OK\r\n");
            long end = System.currentTimeMillis() + 2600;
            while (System.currentTimeMillis() < end) {
                assertThat(active.callText("ECHO", "x")).isEqualTo("$1\r\nx\r\n");
                monitor.readReply(); // the monitor sees the ECHO
                Thread.sleep(200);
            }
            assertThat(idle.closedByServer()).isTrue();
            assertThat(active.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(server.node().clients()).hasSize(2);
        }
    }

    @Test
    void tcpKeepaliveFollowsTheParameterForNewConnections() throws Exception {
        try (LarderServer server = LarderServer.start("--tcp-keepalive", "60");
             RawClient a = new RawClient(server.port())) {
            a.call("PING");
            assertThat(keepalive(server)).isTrue();
            assertThat(a.callText("CONFIG", "SET", "tcp-keepalive", "0")).isEqualTo("+OK\r\n");
            a.close();
            try (RawClient b = new RawClient(server.port())) {
                b.call("PING");
                assertThat(keepalive(server)).isFalse();
            }
        }
    }

    private static boolean keepalive(LarderServer server) {
        // The newest connection is the one just made.
        return server.node().clients().stream().max(java.util.Comparator.comparingLong(c -> c.id())).orElseThrow()
                .channel().config().getOption(io.netty.channel.ChannelOption.SO_KEEPALIVE);
    }

    @Test
    void protectedModeServesLoopbackClients() throws Exception {
        // Protected mode without a password: loopback connections are still served.
        try (LarderServer server = LarderServer.start("--bind", "* -::*", "--protected-mode", "yes");
             RawClient c = new RawClient(server.port())) {
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }
}
