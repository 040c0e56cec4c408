package io.larder.node.connection;

import io.larder.node.config.ConfigParam;
import io.larder.node.config.ServerConfig;
import io.larder.node.testing.RawClient;
import io.larder.node.testing.RedisServerProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every parameter redis-server reports is known to ServerConfig, with the same default value. */
class ConfigCatalogTest {
    /** Values the oracle's command line or environment sets, or that Redis derives at startup. */
    private static final Set<String> SET_BY_ENVIRONMENT = Set.of("port", "bind", "save", "dir", "pidfile",
            "daemonize", "appendonly");

    @Test
    void everyOracleParameterIsKnownWithItsDefault() throws Exception {
        assumeTrue(RedisServerProcess.available(), "redis-server is not installed");
        Map<String, String> oracle = new LinkedHashMap<>();
        try (RedisServerProcess redis = RedisServerProcess.start(); RawClient c = new RawClient(redis.port())) {
            String[] parts = new String(c.call("CONFIG", "GET", "*"), StandardCharsets.UTF_8).split("\r\n", -1);
            // *N, then $len / value pairs for name and value.
            for (int i = 1; i + 3 < parts.length; i += 4) {
                oracle.put(parts[i + 1], parts[i + 3]);
            }
        }
        assertThat(oracle).hasSizeGreaterThan(150);
        ServerConfig config = new ServerConfig();
        Set<String> missing = new TreeSet<>();
        Set<String> different = new TreeSet<>();
        for (Map.Entry<String, String> e : oracle.entrySet()) {
            ConfigParam p = config.find(e.getKey());
            if (p == null) {
                missing.add(e.getKey());
            } else if (!SET_BY_ENVIRONMENT.contains(e.getKey()) && !p.text().equals(e.getValue())) {
                different.add(e.getKey() + ": redis=" + e.getValue() + " larder=" + p.text());
            }
        }
        assertThat(missing).isEmpty();
        assertThat(different).isEmpty();
        // 7.2 additions the 7.0 oracle does not have.
        assertThat(config.find("locale-collate")).isNotNull();
        assertThat(config.find("cluster-announce-human-nodename")).isNotNull();
        assertThat(config.find("loglevel").type().choices()).contains("nothing");
    }

    /** Several patterns answer with each matching parameter once (Redis's order is its hash table's, not ours). */
    @Test
    void getWithSeveralPatterns() throws Exception {
        try (io.larder.node.testing.LarderServer server = io.larder.node.testing.LarderServer.start();
             RawClient c = new RawClient(server.port())) {
            String reply = c.callText("CONFIG", "GET", "timeout", "maxmemory", "TIMEOUT", "maxmemory-p*");
            assertThat(reply).startsWith("*6\r\n").contains("$7\r\ntimeout\r\n$1\r\n0\r\n",
                    "$9\r\nmaxmemory\r\n$1\r\n0\r\n", "$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
            c.call("HELLO", "3");
            assertThat(c.callText("CONFIG", "GET", "timeout", "maxmemory")).startsWith("%2\r\n");
            // Aliases are parameters of their own for patterns, as in Redis.
            assertThat(c.callText("CONFIG", "GET", "*slave-priority")).isEqualTo(
                    "%1\r\n$14\r\nslave-priority\r\n$3\r\n100\r\n");
        }
    }
}
