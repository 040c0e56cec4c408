package io.larder.node.acl;

import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.RawClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACL enforcement seen from several connections, on both servers: the same users, the same commands, and the
 * same verdicts. The NOPERM texts are Redis 7.2's (the oracle is 7.0, whose texts differ), so each reply is
 * checked against 7.2's text on Larder and against "the oracle refused too" (or the same reply when allowed).
 */
class AclOracleTest extends OracleTestBase {
    private static final String SETUP_USER = "app";
    private RawClient adminOracle;
    private RawClient adminOurs;

    @BeforeEach
    void createUsers() throws IOException {
        adminOracle = new RawClient(redis.port());
        adminOurs = new RawClient(larder.port());
        for (RawClient admin : List.of(adminOracle, adminOurs)) {
            admin.call("FLUSHALL");
            admin.call("CONFIG", "RESETSTAT");
            admin.call("ACL", "LOG", "RESET");
            admin.call("ACL", "SETUSER", SETUP_USER, "reset", "on", ">apppass", "~app:*", "%R~ro:*", "%W~wo:*",
                    "&news.*", "+@all", "-flushall", "-config|set", "(+get ~other:*)");
        }
    }

    @AfterEach
    void dropUsers() throws IOException {
        for (RawClient admin : List.of(adminOracle, adminOurs)) {
            admin.call("ACL", "DELUSER", SETUP_USER, "other", "off1");
            admin.close();
        }
    }

    private static String nopermCommand(String user, String command) {
        return "-NOPERM User " + user + " has no permissions to run the '" + command + "' command\r\n";
    }

    private static final String NOPERM_KEY = "-NOPERM No permissions to access a key\r\n";
    private static final String NOPERM_CHANNEL = "-NOPERM No permissions to access a channel\r\n";

    /** Runs a command as the app user on both servers: Larder must reply {@code expected}; the oracle must agree. */
    private void expect(RawClient oracle, RawClient ours, String expected, String... command) throws IOException {
        String theirs = oracle.callText(command);
        String mine = ours.callText(command);
        assertThat(mine).as(String.join(" ", command)).isEqualTo(expected);
        if (expected.startsWith("-NOPERM")) {
            assertThat(theirs).as("oracle: " + String.join(" ", command)).startsWith("-NOPERM");
        } else {
            assertThat(theirs).as("oracle: " + String.join(" ", command)).isEqualTo(expected);
        }
    }

    @Test
    void keysChannelsAndCommandsOfARestrictedUser() throws IOException {
        try (RawClient oracle = new RawClient(redis.port()); RawClient ours = new RawClient(larder.port())) {
            expect(oracle, ours, "+OK\r\n", "AUTH", SETUP_USER, "apppass");
            expect(oracle, ours, "$3\r\napp\r\n", "ACL", "WHOAMI");
            expect(oracle, ours, "+OK\r\n", "SET", "app:1", "v");
            expect(oracle, ours, "$1\r\nv\r\n", "GET", "app:1");
            expect(oracle, ours, NOPERM_KEY, "SET", "other", "v");
            expect(oracle, ours, NOPERM_KEY, "GET", "elsewhere");
            // the selector allows GET on other:*, nothing else
            expect(oracle, ours, "$-1\r\n", "GET", "other:1");
            expect(oracle, ours, NOPERM_KEY, "SET", "other:1", "v");
            expect(oracle, ours, NOPERM_KEY, "DEL", "other:1");
            // read-only and write-only patterns
            expect(oracle, ours, "$-1\r\n", "GET", "ro:1");
            expect(oracle, ours, NOPERM_KEY, "SET", "ro:1", "v");
            expect(oracle, ours, "+OK\r\n", "SET", "wo:1", "v");
            expect(oracle, ours, NOPERM_KEY, "GET", "wo:1");
            expect(oracle, ours, NOPERM_KEY, "SET", "wo:1", "v", "GET");
            expect(oracle, ours, "$-1\r\n", "LMOVE", "app:l", "wo:l", "LEFT", "RIGHT");
            expect(oracle, ours, NOPERM_KEY, "LMOVE", "wo:l", "app:l", "LEFT", "RIGHT");
            expect(oracle, ours, NOPERM_KEY, "MSET", "app:1", "a", "zzz", "b");
            expect(oracle, ours, NOPERM_KEY, "EXISTS", "app:1", "zzz");
            expect(oracle, ours, ":1\r\n", "EXISTS", "app:1", "ro:1");
            // commands
            expect(oracle, ours, nopermCommand(SETUP_USER, "flushall"), "FLUSHALL");
            expect(oracle, ours, nopermCommand(SETUP_USER, "config|set"), "CONFIG", "SET", "maxmemory", "0");
            expect(oracle, ours, "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n", "CONFIG", "GET", "maxmemory");
            // channels
            expect(oracle, ours, ":0\r\n", "PUBLISH", "news.a", "x");
            expect(oracle, ours, NOPERM_CHANNEL, "PUBLISH", "sport", "x");
            expect(oracle, ours, NOPERM_CHANNEL, "SUBSCRIBE", "news.a", "sport");
            expect(oracle, ours, NOPERM_CHANNEL, "PSUBSCRIBE", "news.a*");
            expect(oracle, ours, "*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n", "PSUBSCRIBE", "news.*");
        }
        // the admin's connections were never restricted
        assertThat(adminOurs.callText("FLUSHALL")).isEqualTo("+OK\r\n");
        String stats = adminOurs.callText("INFO", "stats");
        assertThat(stats).contains("acl_access_denied_cmd:2\r\n", "acl_access_denied_key:10\r\n",
                "acl_access_denied_channel:3\r\n");
    }

    @Test
    void scriptsRunWithTheCallersPermissions() throws IOException {
        try (RawClient oracle = new RawClient(redis.port()); RawClient ours = new RawClient(larder.port())) {
            expect(oracle, ours, "+OK\r\n", "AUTH", SETUP_USER, "apppass");
            expect(oracle, ours, "+OK\r\n", "EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "app:s");
            // Redis 7.2 words the refusal "ACL failure in script: " + the NOPERM text; 7.0 (the oracle) has
            // its own words, so only the refusal and the script-position suffix are compared with it.
            Map<String, String> denials = new LinkedHashMap<>();
            denials.put("return redis.call('get', 'zzz')", "No permissions to access a key");
            denials.put("return redis.call('set', 'ro:1', 'v')", "No permissions to access a key");
            denials.put("return redis.pcall('flushall')", "User app has no permissions to run the 'flushall' command");
            denials.put("return redis.call('publish', 'sport', 'x')", "No permissions to access a channel");
            for (Map.Entry<String, String> denial : denials.entrySet()) {
                String theirs = oracle.callText("EVAL", denial.getKey(), "0");
                assertThat(theirs).as("oracle refuses " + denial.getKey()).startsWith("-ERR The user executing the script");
                int suffix = theirs.indexOf(" script: ");
                String expected = "-ERR ACL failure in script: " + denial.getValue()
                        + (suffix < 0 ? "\r\n" : theirs.substring(suffix));
                assertThat(ours.callText("EVAL", denial.getKey(), "0")).as(denial.getKey()).isEqualTo(expected);
            }
        }
        assertThat(adminOurs.callText("GET", "app:s")).isEqualTo("$1\r\nv\r\n");
        assertThat(adminOurs.callText("EXISTS", "ro:1")).isEqualTo(":0\r\n");
    }

    @Test
    void transactionsAndLog() throws IOException {
        try (RawClient oracle = new RawClient(redis.port()); RawClient ours = new RawClient(larder.port())) {
            expect(oracle, ours, "+OK\r\n", "AUTH", SETUP_USER, "apppass");
            expect(oracle, ours, "+OK\r\n", "MULTI");
            expect(oracle, ours, "+QUEUED\r\n", "SET", "app:1", "v");
            expect(oracle, ours, NOPERM_KEY, "SET", "x", "v");
            expect(oracle, ours, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC");
            // permissions withdrawn between MULTI and EXEC
            expect(oracle, ours, "+OK\r\n", "MULTI");
            expect(oracle, ours, "+QUEUED\r\n", "SET", "app:1", "v");
            expect(oracle, ours, "+QUEUED\r\n", "GET", "app:1");
            for (RawClient admin : List.of(adminOracle, adminOurs)) {
                assertThat(admin.callText("ACL", "SETUSER", SETUP_USER, "-get")).isEqualTo("+OK\r\n");
            }
            expect(oracle, ours, "*2\r\n+OK\r\n-NOPERM ACLs rules changed between the moment the transaction was "
                    + "accumulated and the EXEC call. This command is no longer allowed for the following reason: "
                    + "no permission to touch the specified keys\r\n", "EXEC");
        }
        String log = adminOurs.callText("ACL", "LOG");
        assertThat(log).startsWith("*2\r\n");
        // GET app:1 after -get: the selector allows GET but not that key, and the key denial reaches further
        assertThat(log).contains("$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n"
                + "$5\r\napp:1\r\n$8\r\nusername\r\n$3\r\napp\r\n");
        assertThat(log).contains("$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n"
                + "$1\r\nx\r\n$8\r\nusername\r\n$3\r\napp\r\n");
        assertThat(log).contains("$8\r\nentry-id\r\n", "$17\r\ntimestamp-created\r\n", "$22\r\ntimestamp-last-updated\r\n",
                "$11\r\nclient-info\r\n", "user=app");
        // The oracle logged the same two denials.
        assertThat(adminOracle.callText("ACL", "LOG")).startsWith("*2\r\n");
    }

    @Test
    void failedAuthIsLoggedCountedAndGrouped() throws IOException {
        try (RawClient ours = new RawClient(larder.port()); RawClient oracle = new RawClient(redis.port())) {
            String wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
            for (int i = 0; i < 3; i++) {
                expect(oracle, ours, wrongpass, "AUTH", SETUP_USER, "guess" + i);
            }
            expect(oracle, ours, wrongpass, "AUTH", "nosuchuser", "x");
            expect(oracle, ours, wrongpass, "HELLO", "3", "AUTH", SETUP_USER, "bad");
            for (RawClient admin : List.of(adminOracle, adminOurs)) {
                admin.call("ACL", "SETUSER", "off1", "off", ">pw", "+@all", "~*");
            }
            expect(oracle, ours, wrongpass, "AUTH", "off1", "pw");
        }
        String log = adminOurs.callText("ACL", "LOG", "1");
        assertThat(log).startsWith("*1\r\n").contains("$6\r\nobject\r\n$4\r\nAUTH\r\n$8\r\nusername\r\n$4\r\noff1\r\n");
        // three AUTH failures as app, grouped into one entry; HELLO's is another (its object is "HELLO")
        for (RawClient admin : List.of(adminOracle, adminOurs)) {
            String all = admin.callText("ACL", "LOG");
            assertThat(all).startsWith("*4\r\n").contains("$5\r\ncount\r\n:3\r\n")
                    .contains("$6\r\nobject\r\n$5\r\nHELLO\r\n$8\r\nusername\r\n$3\r\napp\r\n");
        }
        assertThat(adminOurs.callText("INFO", "stats")).contains("acl_access_denied_auth:6\r\n");
        assertThat(adminOurs.callText("ACL", "LOG", "RESET")).isEqualTo("+OK\r\n");
        assertThat(adminOurs.callText("ACL", "LOG")).isEqualTo("*0\r\n");
    }

    @Test
    void helloAuthAndClientList() throws IOException {
        try (RawClient ours = new RawClient(larder.port())) {
            assertThat(ours.callText("HELLO", "2", "AUTH", SETUP_USER, "apppass")).contains("$5\r\nproto\r\n:2\r\n");
            assertThat(ours.callText("ACL", "WHOAMI")).isEqualTo("$3\r\napp\r\n");
            assertThat(adminOurs.callText("CLIENT", "LIST")).contains("user=app ");
            assertThat(adminOurs.callText("CLIENT", "KILL", "USER", "nosuch"))
                    .isEqualTo("-ERR No such user 'nosuch'\r\n");
            assertThat(adminOurs.callText("CLIENT", "KILL", "USER", SETUP_USER)).isEqualTo(":1\r\n");
        }
    }

    @Test
    void deletedOrDisabledUsersAreDisconnected() throws Exception {
        for (String change : List.of("DELUSER", "off")) {
            adminOurs.call("ACL", "SETUSER", "other", "on", ">pw", "+@all", "~*");
            try (RawClient ours = new RawClient(larder.port())) {
                assertThat(ours.callText("AUTH", "other", "pw")).isEqualTo("+OK\r\n");
                if (change.equals("DELUSER")) {
                    assertThat(adminOurs.callText("ACL", "DELUSER", "other")).isEqualTo(":1\r\n");
                } else {
                    assertThat(adminOurs.callText("ACL", "SETUSER", "other", "off")).isEqualTo("+OK\r\n");
                }
                ours.send(RawClient.encode("PING".getBytes()));
                long deadline = System.currentTimeMillis() + 5000;
                while (!ours.closedByServer() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(ours.closedByServer()).as(change).isTrue();
            }
        }
        // a user deleting itself gets its reply first
        adminOurs.call("ACL", "SETUSER", "other", "on", ">pw", "+@all", "~*");
        try (RawClient ours = new RawClient(larder.port())) {
            ours.call("AUTH", "other", "pw");
            assertThat(ours.callText("ACL", "DELUSER", "other")).isEqualTo(":1\r\n");
        }
    }

    @Test
    void subscribersLosingTheirChannelsAreDisconnected() throws Exception {
        for (RawClient admin : List.of(adminOracle, adminOurs)) {
            int port = admin == adminOracle ? redis.port() : larder.port();
            try (RawClient keeps = new RawClient(port); RawClient loses = new RawClient(port)) {
                keeps.call("AUTH", SETUP_USER, "apppass");
                loses.call("AUTH", SETUP_USER, "apppass");
                assertThat(keeps.callText("SUBSCRIBE", "news.a")).startsWith("*3\r\n");
                assertThat(loses.callText("PSUBSCRIBE", "news.*")).startsWith("*3\r\n");
                // news.a still matches news.a*, but the pattern news.* is no longer granted literally
                assertThat(admin.callText("ACL", "SETUSER", SETUP_USER, "resetchannels", "&news.a*"))
                        .isEqualTo("+OK\r\n");
                long deadline = System.currentTimeMillis() + 5000;
                while (!loses.closedByServer() && System.currentTimeMillis() < deadline) {
                    loses.send(RawClient.encode("PING".getBytes()));
                    Thread.sleep(20);
                }
                assertThat(loses.closedByServer()).as("port " + port).isTrue();
                assertThat(keeps.callText("PING")).startsWith("*2\r\n$4\r\npong\r\n");
            }
        }
    }

    @Test
    void setuserRulesAreRedactedFromTheSlowLog() throws IOException {
        for (RawClient admin : List.of(adminOracle, adminOurs)) {
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            admin.call("SLOWLOG", "RESET");
            admin.call("ACL", "SETUSER", "other", ">secret-pass");
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            String log = admin.callText("SLOWLOG", "GET");
            assertThat(log).as("port " + admin).doesNotContain("secret-pass").doesNotContain("other")
                    .contains("*4\r\n$3\r\nACL\r\n$7\r\nSETUSER\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n");
        }
    }

    @Test
    void jedisAndLettuceAuthenticateAsAclUsers() {
        for (int port : new int[]{redis.port(), larder.port()}) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.auth(SETUP_USER, "apppass");
                assertThat(jedis.aclWhoAmI()).isEqualTo(SETUP_USER);
                assertThat(jedis.set("app:j", "1")).isEqualTo("OK");
                assertThatThrownBy(() -> jedis.get("secret")).isInstanceOf(JedisAccessControlException.class)
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> jedis.set("secret", "x")).isInstanceOf(JedisAccessControlException.class);
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                assertThatThrownBy(() -> jedis.auth(SETUP_USER, "wrong")).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("WRONGPASS");
            }
            RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                    .withAuthentication(SETUP_USER, "apppass").build());
            try (StatefulRedisConnection<String, String> conn = lettuce.connect()) {
                assertThat(conn.sync().aclWhoami()).isEqualTo(SETUP_USER);
                assertThat(conn.sync().get("app:j")).isEqualTo("1");
                assertThatThrownBy(() -> conn.sync().get("secret")).isInstanceOf(RedisCommandExecutionException.class)
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> conn.sync().del("secret")).isInstanceOf(RedisCommandExecutionException.class);
            } finally {
                lettuce.shutdown();
            }
        }
    }
}
