package io.larder.node.server;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Protected mode: the decision on its own, then for real over this machine's own non-loopback address (a
 * connection to it comes from it, so the node sees a non-loopback peer), next to redis-server.
 */
class ProtectedModeTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.10", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void deniesRemoteClientsOnlyWhileTheDefaultUserHasNoPassword() {
        assertThat(ClientHandler.deniedByProtectedMode(true, true, REMOTE)).isTrue();
        assertThat(ClientHandler.deniedByProtectedMode(true, true, LOCAL)).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(true, true, new InetSocketAddress("::1", 40000))).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(true, false, REMOTE)).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(false, true, REMOTE)).isFalse();
    }

    @Test
    void deniedMessageIsRedisServers() throws Exception {
        assertThat(ClientHandler.PROTECTED_MODE_DENIED).isEqualTo(oracleMessage());
    }

    /** The installed oracle is 7.0; Redis 7.2 corrected one phrase of the message. */
    private static String oracleMessage() throws IOException {
        Path binary = Path.of("/usr/bin/redis-server");
        assumeTrue(Files.isReadable(binary), "redis-server is not installed");
        String text = new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1);
        int start = text.indexOf("-DENIED Redis is running in protected mode");
        assumeTrue(start >= 0, "message not found in the binary");
        return to72(text.substring(start + 1, text.indexOf("\r\n", start)));
    }

    private static String to72(String message70) {
        return message70.replace("4) Setup a an authentication", "4) Set up an authentication");
    }

    @Test
    void clientsFromANonLoopbackAddressAreRefusedAsByRedis() throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        String bind = "127.0.0.1 " + external.getHostAddress();
        try (LarderServer larder = LarderServer.start("--bind", bind);
             RedisServerProcess redis = RedisServerProcess.start("--bind", bind)) {
            String larderLine = firstLine(external, larder.port());
            assertThat(larderLine).isEqualTo("-" + ClientHandler.PROTECTED_MODE_DENIED);
            assertThat(larderLine).isEqualTo(to72(firstLine(external, redis.port())));
            try (RawClient local = new RawClient(larder.port())) {
                assertThat(local.callText("INFO", "stats")).contains("rejected_connections:1\r\n");
                // A password set by ACL rules (not requirepass) lifts it too, as Redis checks the default user.
                assertThat(local.callText("ACL", "SETUSER", "default", "resetpass", ">pw")).isEqualTo("+OK\r\n");
            }
            assertThat(firstLine(external, larder.port())).isEqualTo("-NOAUTH Authentication required.");
            try (RawClient local = new RawClient(redis.port())) {
                assertThat(local.callText("ACL", "SETUSER", "default", "resetpass", ">pw")).isEqualTo("+OK\r\n");
            }
            assertThat(firstLine(external, redis.port())).isEqualTo("-NOAUTH Authentication required.");
        }
        try (LarderServer larder = LarderServer.start("--bind", bind, "--protected-mode", "no")) {
            assertThat(firstLine(external, larder.port())).isEqualTo("+PONG");
        }
    }

    /** Connects to the node through {@code address}, sends PING, returns the first reply line (or "closed"). */
    private static String firstLine(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
