package io.larder.node.clients;

import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lettuce's client-side cache ({@link ClientSideCaching} over a RESP3 connection with CLIENT TRACKING): values
 * read through the {@link CacheFrontend} are kept locally until the server's invalidation push removes them,
 * which must happen when another connection writes the key.
 */
class LettuceClientSideCachingTest extends LettuceTwoServers {
    private StatefulRedisConnection<String, String> connect(Target target, String name) {
        return lettuce.connect(RedisURI.builder().withHost("127.0.0.1").withPort(target.port()).withClientName(name)
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @ParameterizedTest
    @MethodSource("targets")
    void cachedValueIsInvalidatedWhenAnotherConnectionWrites(Target target) throws Exception {
        String key = prefix() + "user:1";
        Map<String, String> local = new ConcurrentHashMap<>();
        try (StatefulRedisConnection<String, String> cacheConnection = connect(target, "csc-cache");
             StatefulRedisConnection<String, String> writerConnection = connect(target, "csc-writer")) {
            RedisCommands<String, String> writer = writerConnection.sync();
            writer.set(key, "v1");
            CacheFrontend<String, String> cache = ClientSideCaching.enable(CacheAccessor.forMap(local), cacheConnection,
                    TrackingArgs.Builder.enabled());
            try {
                assertThat(cache.get(key)).isEqualTo("v1");
                assertThat(local).containsEntry(key, "v1");
                // Served from the local map while nothing invalidates it: no trip to the server.
                local.put(key, "local copy");
                assertThat(cache.get(key)).isEqualTo("local copy");

                assertThat(awaitConnection(target, c -> c.get("name").equals("csc-cache")).get("flags")).isEqualTo("t");

                writer.set(key, "v2");
                awaitEvicted(local, key);
                assertThat(cache.get(key)).isEqualTo("v2");
                assertThat(local).containsEntry(key, "v2");

                // Tracked again after the re-read: the next write (an expiry here) invalidates it again.
                writer.pexpire(key, 50);
                awaitEvicted(local, key);
                Thread.sleep(100);
                assertThat(cache.get(key)).isNull();
            } finally {
                cache.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void broadcastModeInvalidatesEveryKeyUnderThePrefix(Target target) throws Exception {
        String p = prefix();
        Map<String, String> local = new ConcurrentHashMap<>();
        try (StatefulRedisConnection<String, String> cacheConnection = connect(target, "csc-bcast");
             StatefulRedisConnection<String, String> writerConnection = connect(target, "csc-bcast-writer")) {
            RedisCommands<String, String> writer = writerConnection.sync();
            writer.mset(Map.of(p + "a", "1", p + "b", "2"));
            CacheFrontend<String, String> cache = ClientSideCaching.enable(CacheAccessor.forMap(local), cacheConnection,
                    TrackingArgs.Builder.enabled().bcast().prefixes(p));
            try {
                assertThat(cache.get(p + "a")).isEqualTo("1");
                assertThat(cache.get(p + "b")).isEqualTo("2");
                writer.set(p + "b", "22");
                awaitEvicted(local, p + "b");
                assertThat(local).containsEntry(p + "a", "1");
                assertThat(cache.get(p + "b")).isEqualTo("22");
            } finally {
                cache.close();
            }
        }
    }

    /** Invalidations arrive as pushes on Lettuce's event loop, shortly after the write returned. */
    private static void awaitEvicted(Map<String, String> local, String key) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (local.containsKey(key) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertThat(local).as("local cache after the invalidation").doesNotContainKey(key);
    }
}
