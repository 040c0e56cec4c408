package io.larder.memcached.clients;

import io.larder.memcached.testing.LarderMemcached;
import io.larder.memcached.testing.RawConnection;
import net.rubyeye.xmemcached.CommandFactory;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.aws.AWSElasticCacheClient;
import net.rubyeye.xmemcached.autodiscovery.ClusterConfiguration;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** xmemcached 2.4.9 against Larder: text and binary protocols, and its ElastiCache auto-discovery client. */
class XmemcachedTest {
    private static void exercise(MemcachedClient c) throws Exception {
        assertThat(c.set("k", 0, "v1")).isTrue();
        assertThat((String) c.get("k")).isEqualTo("v1");
        assertThat(c.add("k", 0, "v2")).isFalse();
        assertThat(c.replace("k", 0, "v3")).isTrue();
        GetsResponse<String> gets = c.gets("k");
        assertThat(gets.getValue()).isEqualTo("v3");
        assertThat(c.cas("k", 0, "v4", gets.getCas())).isTrue();
        assertThat(c.cas("k", 0, "v5", gets.getCas())).isFalse();
        assertThat(c.incr("n", 5, 10)).isEqualTo(10);
        assertThat(c.incr("n", 5, 10)).isEqualTo(15);
        assertThat(c.decr("n", 3)).isEqualTo(12);
        assertThat(c.append("k", "+")).isTrue();
        assertThat(c.prepend("k", "-")).isTrue();
        assertThat((String) c.get("k")).isEqualTo("-v4+");
        for (int i = 0; i < 20; i++) {
            c.set("m" + i, 0, "value" + i);
        }
        Map<String, String> multi = c.get(List.of("m1", "m2", "m19", "absent"));
        assertThat(multi).containsOnly(Map.entry("m1", "value1"), Map.entry("m2", "value2"),
                Map.entry("m19", "value19"));
        assertThat(c.touch("k", 100)).isTrue();
        assertThat(c.delete("k")).isTrue();
        assertThat((Object) c.get("k")).isNull();
        assertThat(c.getVersions().values()).containsOnly("1.6.18");
        c.flushAll();
        assertThat((Object) c.get("m1")).isNull();
    }

    private static void withClient(int port, CommandFactory factory) throws Exception {
        XMemcachedClientBuilder b = new XMemcachedClientBuilder(AddrUtil.getAddresses("127.0.0.1:" + port));
        b.setCommandFactory(factory);
        MemcachedClient c = b.build();
        try {
            exercise(c);
            if (factory instanceof BinaryCommandFactory) {
                c.set("t", 0, "tv");
                assertThat((String) c.getAndTouch("t", 100)).isEqualTo("tv");
                assertThat((Object) c.getAndTouch("absent", 100)).isNull();
            }
        } finally {
            c.shutdown();
        }
    }

    @Test
    void textProtocol() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            withClient(larder.port(), new TextCommandFactory());
        }
    }

    @Test
    void binaryProtocol() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            withClient(larder.port(), new BinaryCommandFactory());
        }
    }

    @Test
    void elastiCacheAutoDiscoveryFollowsTheNodeList() throws Exception {
        try (LarderMemcached config = LarderMemcached.start("-o", "discovery_token=t0ken");
             LarderMemcached second = LarderMemcached.start()) {
            AWSElasticCacheClient client = new AWSElasticCacheClient(
                    new InetSocketAddress("127.0.0.1", config.port()), 200);
            try {
                ClusterConfiguration first = client.getConfig();
                assertThat(first.getVersion()).isEqualTo(1);
                assertThat(first.getNodeList()).hasSize(1);
                assertThat(first.getNodeList().getFirst().getPort()).isEqualTo(config.port());
                assertThat(client.set("a", 0, "1")).isTrue();
                assertThat((String) client.get("a")).isEqualTo("1");

                // Host names must resolve: the client connects by name.
                String nodes = "localhost|127.0.0.1|" + config.port() + " localhost|127.0.0.1|" + second.port();
                try (RawConnection admin = new RawConnection(config.port())) {
                    admin.send("config set cluster t0ken " + nodes.length() + "\r\n" + nodes + "\r\n");
                    assertThat(new String(admin.readUntil("\r\n".getBytes()), StandardCharsets.US_ASCII))
                            .isEqualTo("STORED\r\n");
                }
                long deadline = System.currentTimeMillis() + 10_000;
                while (client.getCurrentConfig().getVersion() != 2 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(client.getCurrentConfig().getVersion()).isEqualTo(2);
                assertThat(client.getCurrentConfig().getNodeList()).hasSize(2);
                deadline = System.currentTimeMillis() + 10_000;
                while (client.getAvailableServers().size() < 2 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(client.set("key" + i, 0, "v" + i)).isTrue();
                }
                for (int i = 0; i < 100; i++) {
                    assertThat((String) client.get("key" + i)).isEqualTo("v" + i);
                }
                // Keys are spread over both nodes now.
                assertThat(config.server().store().currItems()).isPositive();
                assertThat(second.server().store().currItems()).isPositive();
            } finally {
                client.shutdown();
            }
        }
    }
}
