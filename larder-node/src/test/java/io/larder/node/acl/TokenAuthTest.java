package io.larder.node.acl;

import io.larder.auth.AuthToken;
import io.larder.auth.TokenKeys;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Users of larder-token-users log in with short-lived tokens signed by the control plane's key. */
class TokenAuthTest {
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    private static final KeyPair KEY = TokenKeys.generate();
    private static final KeyPair NEXT_KEY = TokenKeys.generate();
    @TempDir
    static Path dir;
    private static Path publicKey;
    private static Path nextPublicKey;

    @BeforeAll
    static void writeKeys() throws Exception {
        publicKey = Files.writeString(dir.resolve("control.pub"), TokenKeys.publicPem(KEY.getPublic()));
        nextPublicKey = Files.writeString(dir.resolve("next.pub"), TokenKeys.publicPem(NEXT_KEY.getPublic()));
    }

    private static LarderServer start(String... more) throws Exception {
        String[] base = {"--larder-token-users", "app reporting", "--larder-token-public-key-file",
                publicKey.toString(), "--hz", "100"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        LarderServer server = LarderServer.start(all);
        try (RawClient admin = new RawClient(server.port())) {
            // A password on a token user opens nothing: only tokens do.
            assertThat(admin.callText("ACL", "SETUSER", "app", "on", ">app-password", "~app:*", "+@all"))
                    .isEqualTo("+OK\r\n");
            assertThat(admin.callText("ACL", "SETUSER", "reporting", "on", "nopass", "~*", "+@read"))
                    .isEqualTo("+OK\r\n");
            assertThat(admin.callText("ACL", "SETUSER", "plain", "on", ">plain-password", "~*", "+@all"))
                    .isEqualTo("+OK\r\n");
        }
        return server;
    }

    private static String token(KeyPair key, String user, long ttlSeconds) {
        return AuthToken.mint(key.getPrivate(), user, ttlSeconds, System.currentTimeMillis());
    }

    @Test
    void aValidTokenLogsTheUserInWithItsPermissions() throws Exception {
        try (LarderServer server = start(); RawClient c = new RawClient(server.port())) {
            assertThat(c.callText("AUTH", "app", token(KEY, "app", 900))).isEqualTo("+OK\r\n");
            assertThat(c.callText("ACL", "WHOAMI")).isEqualTo("$3\r\napp\r\n");
            assertThat(c.callText("SET", "app:k", "v")).isEqualTo("+OK\r\n");
            assertThat(c.callText("GET", "other")).isEqualTo("-NOPERM No permissions to access a key\r\n");
            assertThat(c.callText("HELLO", "3", "AUTH", "reporting", token(KEY, "reporting", 60)))
                    .startsWith("%7\r\n");
            assertThat(c.callText("GET", "app:k")).isEqualTo("$1\r\nv\r\n");
            assertThat(c.callText("SET", "app:k", "w"))
                    .isEqualTo("-NOPERM User reporting has no permissions to run the 'set' command\r\n");
        }
    }

    @Test
    void badTokensGetWrongpassAndAreLoggedWithTheReason() throws Exception {
        try (LarderServer server = start(); RawClient c = new RawClient(server.port());
             RawClient admin = new RawClient(server.port())) {
            long now = System.currentTimeMillis();
            String expired = AuthToken.mint(KEY.getPrivate(), "app", 60, now - 120_000);
            String forged = token(TokenKeys.generate(), "app", 60);
            String otherUser = token(KEY, "reporting", 60);
            String good = token(KEY, "app", 60);
            String[] parts = good.split("\\.");
            byte[] payload = java.util.Base64.getUrlDecoder().decode(parts[1]);
            java.nio.ByteBuffer.wrap(payload).putLong(8, now / 1000 + 600);
            String tampered = "lt1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload)
                    + "." + parts[2];
            assertThat(c.callText("AUTH", "app", expired)).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "app", forged)).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "app", otherUser)).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "app", tampered)).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "app", "app-password")).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "reporting", "anything")).isEqualTo(WRONGPASS);
            assertThat(c.callText("HELLO", "3", "AUTH", "app", expired)).isEqualTo(WRONGPASS);
            // Still the default user: no failure changed the connection's login.
            assertThat(c.callText("ACL", "WHOAMI")).isEqualTo("$7\r\ndefault\r\n");

            String log = admin.callText("ACL", "LOG");
            assertThat(log).startsWith("*6\r\n").contains("$4\r\nauth\r\n",
                    "AUTH: expired token", "AUTH: bad token signature", "AUTH: token for another user",
                    "HELLO: expired token");
            // The forged and the tampered token are one entry counted twice, as Redis merges similar denials;
            // a password where a token is due is malformed, for both users.
            assertThat(log).contains("$25\r\nAUTH: bad token signature\r\n$8\r\nusername\r\n$3\r\napp");
            assertThat(log.split("AUTH: malformed token", -1)).hasSize(3);
            assertThat(admin.callText("INFO", "stats")).contains("acl_access_denied_auth:7\r\n");
        }
    }

    /** The signature is checked off the event loop: what was pipelined behind AUTH waits for it, in order. */
    @Test
    void pipelinedCommandsWaitForTheTokenCheck() throws Exception {
        try (LarderServer server = start(); RawClient c = new RawClient(server.port())) {
            String forged = token(TokenKeys.generate(), "app", 60);
            String good = token(KEY, "app", 60);
            c.sendRaw(concat(RawClient.encode(bytes("AUTH"), bytes("app"), bytes(forged)),
                    RawClient.encode(bytes("GET"), bytes("app:k")),
                    RawClient.encode(bytes("AUTH"), bytes("app"), bytes(good)),
                    RawClient.encode(bytes("SET"), bytes("app:k"), bytes("v")),
                    RawClient.encode(bytes("GET"), bytes("app:k")),
                    RawClient.encode(bytes("GET"), bytes("other"))));
            assertThat(new String(c.readReply())).isEqualTo(WRONGPASS);
            assertThat(new String(c.readReply())).isEqualTo("$-1\r\n"); // still the default user
            assertThat(new String(c.readReply())).isEqualTo("+OK\r\n");
            assertThat(new String(c.readReply())).isEqualTo("+OK\r\n");
            assertThat(new String(c.readReply())).isEqualTo("$1\r\nv\r\n");
            assertThat(new String(c.readReply())).isEqualTo("-NOPERM No permissions to access a key\r\n");
            // Inside a transaction the check runs in EXEC itself.
            assertThat(c.callText("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "app", forged)).isEqualTo("+QUEUED\r\n");
            assertThat(c.callText("AUTH", "app", token(KEY, "app", 30))).isEqualTo("+QUEUED\r\n");
            assertThat(c.callText("EXEC")).isEqualTo("*2\r\n" + WRONGPASS + "+OK\r\n");
            assertThat(server.node().stats().errorsByCode().get("WRONGPASS").sum()).isEqualTo(2);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void passwordUsersAreUnaffected() throws Exception {
        try (LarderServer server = start(); RawClient c = new RawClient(server.port())) {
            assertThat(c.callText("AUTH", "plain", "plain-password")).isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "plain", token(KEY, "plain", 60))).isEqualTo(WRONGPASS);
        }
    }

    @Test
    void twoKeysAreAcceptedWhileTheSigningKeyRotates() throws Exception {
        try (LarderServer server = start(); RawClient admin = new RawClient(server.port());
             RawClient old = new RawClient(server.port()); RawClient c = new RawClient(server.port())) {
            assertThat(old.callText("AUTH", "app", token(KEY, "app", 60))).isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "app", token(NEXT_KEY, "app", 60))).isEqualTo(WRONGPASS);
            assertThat(admin.callText("CONFIG", "SET", "larder-token-public-key-file",
                    nextPublicKey + " " + publicKey)).isEqualTo("+OK\r\n");
            String oldKeyToken = token(KEY, "app", 60);
            assertThat(c.callText("AUTH", "app", oldKeyToken)).isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "app", token(NEXT_KEY, "app", 60))).isEqualTo("+OK\r\n");
            assertThat(admin.callText("CONFIG", "SET", "larder-token-public-key-file", nextPublicKey.toString()))
                    .isEqualTo("+OK\r\n");
            assertThat(c.callText("AUTH", "app", oldKeyToken)).isEqualTo(WRONGPASS);
            assertThat(c.callText("AUTH", "app", token(NEXT_KEY, "app", 60))).isEqualTo("+OK\r\n");
            // A connection logged in with the old key keeps its session until its token expires.
            assertThat(old.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void anExpiredTokenClosesItsConnectionAndCannotBeReplayed() throws Exception {
        try (LarderServer server = start(); RawClient c = new RawClient(server.port());
             RawClient plain = new RawClient(server.port())) {
            String shortLived = token(KEY, "app", 2); // expires 1 to 2 seconds from now
            assertThat(c.callText("AUTH", "app", shortLived)).isEqualTo("+OK\r\n");
            assertThat(plain.callText("AUTH", "plain", "plain-password")).isEqualTo("+OK\r\n");
            long expiry = (System.currentTimeMillis() / 1000 + 2) * 1000;
            assertThat(c.closedByServer()).isTrue();
            assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiry - 1000);
            assertThat(plain.callText("PING")).isEqualTo("+PONG\r\n");
            try (RawClient again = new RawClient(server.port())) {
                assertThat(again.callText("AUTH", "app", shortLived)).isEqualTo(WRONGPASS);
            }
        }
    }

    @Test
    void reAuthenticatingWithAFreshTokenKeepsTheConnection() throws Exception {
        try (LarderServer server = start(); RawClient renewed = new RawClient(server.port());
             RawClient reset = new RawClient(server.port())) {
            assertThat(renewed.callText("AUTH", "app", token(KEY, "app", 2))).isEqualTo("+OK\r\n");
            assertThat(renewed.callText("AUTH", "app", token(KEY, "app", 60))).isEqualTo("+OK\r\n");
            // RESET logs out, so nothing expires any more either.
            assertThat(reset.callText("AUTH", "app", token(KEY, "app", 2))).isEqualTo("+OK\r\n");
            assertThat(reset.callText("RESET")).isEqualTo("+RESET\r\n");
            Thread.sleep(3000);
            assertThat(renewed.callText("ACL", "WHOAMI")).isEqualTo("$3\r\napp\r\n");
            assertThat(reset.callText("ACL", "WHOAMI")).isEqualTo("$7\r\ndefault\r\n");
            assertThat(server.node().clients()).hasSize(2);
        }
    }

    @Test
    void jedisConnectsWithAToken() throws Exception {
        try (LarderServer server = start()) {
            HostAndPort address = new HostAndPort("127.0.0.1", server.port());
            try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder().user("app")
                    .password(token(KEY, "app", 900)).build())) {
                assertThat(jedis.set("app:greeting", "hello")).isEqualTo("OK");
                assertThat(jedis.get("app:greeting")).isEqualTo("hello");
                assertThat(jedis.aclWhoAmI()).isEqualTo("app");
            }
            assertThatThrownBy(() -> {
                try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder().user("app")
                        .password(token(NEXT_KEY, "app", 900)).build())) {
                    jedis.ping();
                }
            }).isInstanceOf(JedisAccessControlException.class).hasMessageStartingWith("WRONGPASS");
        }
    }

    @Test
    void configurationIsChecked() throws Exception {
        try (LarderServer server = start(); RawClient admin = new RawClient(server.port())) {
            assertThat(admin.callText("CONFIG", "SET", "larder-token-users", "app default")).isEqualTo(
                    "-ERR CONFIG SET failed (possibly related to argument 'larder-token-users') - the default user "
                            + "cannot be token-authenticated\r\n");
            assertThat(admin.callText("CONFIG", "SET", "larder-token-public-key-file", dir.resolve("none.pub")
                    .toString())).startsWith("-ERR CONFIG SET failed (possibly related to argument "
                    + "'larder-token-public-key-file') - cannot read token public key");
            // Refused values change nothing.
            assertThat(admin.callText("CONFIG", "GET", "larder-token-*")).contains("app reporting",
                    publicKey.toString());
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("AUTH", "app", token(KEY, "app", 60))).isEqualTo("+OK\r\n");
            }
            // Without keys no token is accepted.
            assertThat(admin.callText("CONFIG", "SET", "larder-token-public-key-file", "")).isEqualTo("+OK\r\n");
            try (RawClient c = new RawClient(server.port())) {
                assertThat(c.callText("AUTH", "app", token(KEY, "app", 60))).isEqualTo(WRONGPASS);
            }
        }
        Path notAKey = Files.writeString(dir.resolve("bad.pub"), "hello");
        assertThatThrownBy(() -> LarderServer.start("--larder-token-public-key-file", notAKey.toString()))
                .hasMessageContaining("cannot read token public key");
    }
}
