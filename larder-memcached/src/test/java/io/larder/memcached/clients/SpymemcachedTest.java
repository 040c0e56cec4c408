package io.larder.memcached.clients;

import io.larder.memcached.testing.LarderMemcached;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spymemcached 2.12.3 against Larder: text and binary protocols, and SASL PLAIN over binary. */
class SpymemcachedTest {
    private static MemcachedClient client(int port, ConnectionFactoryBuilder b) throws Exception {
        return new MemcachedClient(b.setOpTimeout(3000).build(), AddrUtil.getAddresses("127.0.0.1:" + port));
    }

    private static void exercise(MemcachedClient c) throws Exception {
        assertThat(c.set("k", 0, "v1").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(c.get("k")).isEqualTo("v1");
        assertThat(c.add("k", 0, "v2").get()).isFalse();
        assertThat(c.replace("k", 0, "v3").get()).isTrue();
        CASValue<Object> cv = c.gets("k");
        assertThat(cv.getValue()).isEqualTo("v3");
        assertThat(c.cas("k", cv.getCas(), "v4")).isEqualTo(CASResponse.OK);
        assertThat(c.cas("k", cv.getCas(), "v5")).isEqualTo(CASResponse.EXISTS);
        assertThat(c.get("k")).isEqualTo("v4");
        assertThat(c.incr("n", 5, 10)).isEqualTo(10);
        assertThat(c.incr("n", 5, 10)).isEqualTo(15);
        assertThat(c.decr("n", 20)).isZero();
        for (int i = 0; i < 50; i++) {
            c.set("bulk" + i, 0, "value" + i);
        }
        Map<String, Object> bulk = c.getBulk(List.of("bulk0", "bulk7", "bulk49", "absent"));
        assertThat(bulk).containsOnly(Map.entry("bulk0", "value0"), Map.entry("bulk7", "value7"),
                Map.entry("bulk49", "value49"));
        assertThat(c.touch("k", 100).get()).isTrue();
        assertThat(c.delete("k").get()).isTrue();
        assertThat(c.get("k")).isNull();
        byte[] big = new byte[500_000];
        java.util.Arrays.fill(big, (byte) 'x');
        assertThat(c.set("big", 0, big).get()).isTrue();
        assertThat((byte[]) c.get("big")).isEqualTo(big);
        assertThat(c.getVersions().values()).containsOnly("1.6.18");
        assertThat(c.getStats().values().iterator().next()).containsKeys("curr_items", "cmd_get", "bytes");
        assertThat(c.flush().get()).isTrue();
        assertThat(c.get("bulk0")).isNull();
    }

    @Test
    void textProtocol() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            MemcachedClient c = client(larder.port(), new ConnectionFactoryBuilder());
            try {
                exercise(c);
            } finally {
                c.shutdown();
            }
        }
    }

    @Test
    void binaryProtocol() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            MemcachedClient c = client(larder.port(),
                    new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY));
            try {
                exercise(c);
                assertThat(c.getAndTouch("absent", 10)).isNull();
                c.set("t", 0, "tv").get();
                assertThat(c.getAndTouch("t", 10).getValue()).isEqualTo("tv");
                assertThat(c.append(0, "t", "+").get()).isTrue();
                assertThat(c.prepend(0, "t", "-").get()).isTrue();
                assertThat(c.get("t")).isEqualTo("-tv+");
            } finally {
                c.shutdown();
            }
        }
    }

    @Test
    void binaryWithSaslPlain(@TempDir Path dir) throws Exception {
        saslLogin(dir, new String[]{"PLAIN"});
    }

    /** AuthDescriptor.typical, which most applications use, prefers CRAM-MD5. */
    @Test
    void binaryWithSaslCramMd5(@TempDir Path dir) throws Exception {
        saslLogin(dir, new String[]{"CRAM-MD5", "PLAIN"});
    }

    private static void saslLogin(Path dir, String[] mechanisms) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:s3cret\nbob:other\n");
        try (LarderMemcached larder = LarderMemcached.start("-S", "-o", "sasl_pwdb=" + users)) {
            MemcachedClient good = client(larder.port(), new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                    .setAuthDescriptor(new AuthDescriptor(mechanisms, new PlainCallbackHandler("alice", "s3cret"))));
            try {
                exercise(good);
            } finally {
                good.shutdown();
            }
            MemcachedClient bad = client(larder.port(), new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                    .setOpTimeout(1000)
                    .setAuthDescriptor(new AuthDescriptor(mechanisms, new PlainCallbackHandler("alice", "wrong"))));
            try {
                assertThatThrownBy(() -> bad.get("k")).isInstanceOf(RuntimeException.class);
            } finally {
                bad.shutdown();
            }
            assertThat(larder.server().stats().authErrors.sum()).isPositive();
        }
    }
}
