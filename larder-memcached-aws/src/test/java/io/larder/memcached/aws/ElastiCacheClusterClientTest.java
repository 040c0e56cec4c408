package io.larder.memcached.aws;

import io.larder.memcached.server.McServer;
import io.larder.memcached.server.McSettings;
import io.larder.memcached.store.McClock;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AWS ElastiCache Cluster Client for Java in dynamic mode: it reads the node list from the configuration
 * endpoint (a Larder node) with {@code config get cluster} and then talks to the listed nodes.
 */
class ElastiCacheClusterClientTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static McServer start(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("-p", String.valueOf(freePort()), "-l", "127.0.0.1", "-t", "2"));
        args.addAll(List.of(options));
        McServer server = new McServer(McSettings.parse(args), McClock.system());
        server.start();
        return server;
    }

    private static int port(McServer s) {
        return s.boundAddresses().getFirst().getPort();
    }

    /** Sends the admin command that replaces the node list; returns the reply line. */
    private static String setNodes(int port, String token, String nodes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("config set cluster " + token + " " + nodes.length() + "\r\n" + nodes + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    private static void dynamicMode(ConnectionFactoryBuilder.Protocol protocol) throws Exception {
        McServer config = start("-o", "discovery_token=t0k");
        McServer second = start();
        try {
            String nodes = "localhost|127.0.0.1|" + port(config) + " localhost|127.0.0.1|" + port(second);
            assertThat(setNodes(port(config), "t0k", nodes)).isEqualTo("STORED");
            MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setClientMode(ClientMode.Dynamic).setProtocol(protocol).setOpTimeout(3000).build(),
                    AddrUtil.getAddresses("127.0.0.1:" + port(config)));
            try {
                assertThat(client.getAvailableServers()).hasSize(2);
                for (int i = 0; i < 200; i++) {
                    assertThat(client.set("key" + i, 0, "v" + i).get(5, TimeUnit.SECONDS)).isTrue();
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(client.get("key" + i)).isEqualTo("v" + i);
                }
                assertThat(config.store().currItems()).isPositive();
                assertThat(second.store().currItems()).isPositive();
                assertThat(config.store().currItems() + second.store().currItems()).isEqualTo(200);
                assertThat(config.stats().cmdConfigGet.sum()).isPositive();
            } finally {
                client.shutdown();
            }
        } finally {
            second.close();
            config.close();
        }
    }

    @Test
    void dynamicModeOverText() throws Exception {
        dynamicMode(ConnectionFactoryBuilder.Protocol.TEXT);
    }

    @Test
    void dynamicModeOverBinary() throws Exception {
        dynamicMode(ConnectionFactoryBuilder.Protocol.BINARY);
    }

    @Test
    void aLoneNodeServesAsItsOwnConfigurationEndpoint() throws Exception {
        McServer node = start();
        try {
            MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setClientMode(ClientMode.Dynamic).setOpTimeout(3000).build(),
                    List.of(new InetSocketAddress("127.0.0.1", port(node))));
            try {
                assertThat(client.getAvailableServers()).hasSize(1);
                assertThat(client.set("k", 0, "v").get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(client.get("k")).isEqualTo("v");
            } finally {
                client.shutdown();
            }
        } finally {
            node.close();
        }
    }
}
