package io.larder.node.server;

import io.larder.node.config.ConfigLoader;
import io.larder.node.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Protected mode's decision, checked without sending traffic to any non-loopback address. */
class ProtectedModeTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.10", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

    private static ServerConfig config(String... options) throws Exception {
        ServerConfig config = new ServerConfig();
        ConfigLoader.apply(config, ConfigLoader.commandLineToConfig(List.of(options)));
        return config;
    }

    @Test
    void deniesRemoteClientsWhileThereIsNoPasswordWhateverTheBind() throws Exception {
        assertThat(ClientHandler.deniedByProtectedMode(config(), REMOTE)).isTrue();
        assertThat(ClientHandler.deniedByProtectedMode(config(), LOCAL)).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(config("--requirepass", "x"), REMOTE)).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(config("--bind", "0.0.0.0"), REMOTE)).isTrue();
        assertThat(ClientHandler.deniedByProtectedMode(config("--bind", "0.0.0.0"), LOCAL)).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(config(), new InetSocketAddress("::1", 40000))).isFalse();
        assertThat(ClientHandler.deniedByProtectedMode(config("--protected-mode", "no"), REMOTE)).isFalse();
    }

    @Test
    void deniedMessageIsRedisServers() throws Exception {
        Path binary = Path.of("/usr/bin/redis-server");
        assumeTrue(Files.isReadable(binary), "redis-server is not installed");
        String text = new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1);
        int start = text.indexOf("-DENIED Redis is running in protected mode");
        assumeTrue(start >= 0, "message not found in the binary");
        // The installed oracle is 7.0; Redis 7.2 corrected one phrase of the message.
        String expected = text.substring(start + 1, text.indexOf("\r\n", start))
                .replace("4) Setup a an authentication", "4) Set up an authentication");
        assertThat(ClientHandler.PROTECTED_MODE_DENIED).isEqualTo(expected);
    }
}
