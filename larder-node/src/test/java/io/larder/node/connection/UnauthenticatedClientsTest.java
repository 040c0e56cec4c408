package io.larder.node.connection;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Larder's own limits on connections that have not authenticated: how many at once, and for how long. */
class UnauthenticatedClientsTest {
    private static final String REFUSED = "-ERR max number of unauthenticated clients reached\r\n";

    @Test
    void capRefusesNewConnectionsWhileTooManyHaveNotAuthenticated() throws Exception {
        try (LarderServer server = LarderServer.start("--requirepass", "pw",
                "--larder-max-unauthenticated-clients", "2");
             RawClient admin = new RawClient(server.port())) {
            assertThat(admin.callText("AUTH", "pw")).isEqualTo("+OK\r\n");
            try (RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port())) {
                assertThat(a.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                assertThat(b.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                try (RawClient c = new RawClient(server.port())) {
                    assertThat(new String(c.readReply())).isEqualTo(REFUSED);
                    assertThat(c.closedByServer()).isTrue();
                }
                // Once one of them logs in there is room again.
                assertThat(a.callText("AUTH", "pw")).isEqualTo("+OK\r\n");
                try (RawClient c = new RawClient(server.port())) {
                    assertThat(c.callText("AUTH", "pw")).isEqualTo("+OK\r\n");
                }
                assertThat(admin.callText("INFO", "stats")).contains("rejected_connections:1\r\n");
                // Lifting the cap (0) takes effect at once.
                assertThat(admin.callText("CONFIG", "SET", "larder-max-unauthenticated-clients", "0"))
                        .isEqualTo("+OK\r\n");
                try (RawClient c = new RawClient(server.port()); RawClient d = new RawClient(server.port())) {
                    assertThat(c.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                    assertThat(d.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                }
            }
        }
    }

    @Test
    void capDoesNotApplyWhenNoPasswordIsNeeded() throws Exception {
        try (LarderServer server = LarderServer.start("--larder-max-unauthenticated-clients", "1");
             RawClient a = new RawClient(server.port());
             RawClient b = new RawClient(server.port());
             RawClient c = new RawClient(server.port())) {
            assertThat(a.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(b.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void connectionsThatDoNotAuthenticateInTimeAreClosed() throws Exception {
        try (LarderServer server = LarderServer.start("--requirepass", "pw", "--larder-unauthenticated-timeout", "1",
                "--hz", "100");
             RawClient idle = new RawClient(server.port());
             RawClient chatty = new RawClient(server.port());
             RawClient member = new RawClient(server.port())) {
            long start = System.currentTimeMillis();
            assertThat(member.callText("AUTH", "pw")).isEqualTo("+OK\r\n");
            // Being busy does not help: only logging in does.
            while (System.currentTimeMillis() - start < 700) {
                assertThat(chatty.callText("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            }
            assertThat(idle.closedByServer()).isTrue();
            assertThat(chatty.closedByServer()).isTrue();
            assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(900);
            Thread.sleep(500);
            assertThat(member.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }
}
