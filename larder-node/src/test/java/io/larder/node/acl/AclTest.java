package io.larder.node.acl;

import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the 7.0 oracle cannot judge: Redis 7.2's ACL LIST/GETUSER text (new users carry sanitize-payload, command
 * rules keep the order they were given), 7.2's DRYRUN texts, GENPASS, the ACL file and config-file users.
 */
class AclTest {
    private static final String PASSWORD_HASH = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

    @Test
    void listAndGetUserIn72Form() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("ACL", "LIST")).isEqualTo("*1\r\n$51\r\nuser default on nopass sanitize-payload ~* &* +@all\r\n");
            assertThat(c.callText("ACL", "SETUSER", "v")).isEqualTo("+OK\r\n");
            assertThat(line(c, "v")).isEqualTo("user v off sanitize-payload resetchannels -@all");
            c.call("ACL", "SETUSER", "u", "on", ">p1", "#" + PASSWORD_HASH, "~app:*", "%R~r:*", "%W~w:*", "&ch*",
                    "+@all", "-get", "+config|get", "-@dangerous", "(+set ~x*)", "skip-sanitize-payload");
            assertThat(line(c, "u")).isEqualTo("user u on skip-sanitize-payload "
                    + "#f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a #" + PASSWORD_HASH
                    + " ~app:* %R~r:* %W~w:* resetchannels &ch* +@all -get +config|get -@dangerous"
                    + " (~x* resetchannels -@all +set)");
            // a later rule on the same command replaces the earlier one, subcommand rules included
            c.call("ACL", "SETUSER", "w", "+get", "+config|get", "+set", "-get", "-config", "+@read", "-@read");
            assertThat(line(c, "w")).isEqualTo("user w off sanitize-payload resetchannels -@all +set -get -config -@read");
            c.call("ACL", "SETUSER", "w", "allcommands", "-@write", "+select|0");
            assertThat(line(c, "w")).isEqualTo("user w off sanitize-payload resetchannels +@all -@write +select|0");
            c.call("ACL", "SETUSER", "w", "reset");
            assertThat(line(c, "w")).isEqualTo("user w off sanitize-payload resetchannels -@all");

            String getuser = c.callText("ACL", "GETUSER", "u");
            assertThat(getuser).isEqualTo("*12\r\n"
                    + "$5\r\nflags\r\n*2\r\n$2\r\non\r\n$21\r\nskip-sanitize-payload\r\n"
                    + "$9\r\npasswords\r\n*2\r\n$64\r\nf64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a\r\n"
                    + "$64\r\n" + PASSWORD_HASH + "\r\n"
                    + "$8\r\ncommands\r\n$47\r\n+@all -get +config|get -@dangerous\r\n".replace("$47", "$34")
                    + "$4\r\nkeys\r\n$20\r\n~app:* %R~r:* %W~w:*\r\n"
                    + "$8\r\nchannels\r\n$4\r\n&ch*\r\n"
                    + "$9\r\nselectors\r\n*1\r\n*6\r\n$8\r\ncommands\r\n$10\r\n-@all +set\r\n$4\r\nkeys\r\n$3\r\n~x*\r\n"
                    + "$8\r\nchannels\r\n$0\r\n\r\n");
            c.call("HELLO", "3");
            assertThat(c.callText("ACL", "GETUSER", "v")).isEqualTo("%6\r\n"
                    + "$5\r\nflags\r\n*2\r\n$3\r\noff\r\n$16\r\nsanitize-payload\r\n"
                    + "$9\r\npasswords\r\n*0\r\n$8\r\ncommands\r\n$5\r\n-@all\r\n$4\r\nkeys\r\n$0\r\n\r\n"
                    + "$8\r\nchannels\r\n$0\r\n\r\n$9\r\nselectors\r\n*0\r\n");
            assertThat(c.callText("ACL", "GETUSER", "nosuch")).isEqualTo("_\r\n");
        }
    }

    @Test
    void dryRunTextsOf72() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            c.call("ACL", "SETUSER", "u", "on", "nopass", "~app:*", "&news", "+@all", "-flushall");
            assertThat(c.callText("ACL", "DRYRUN", "u", "flushall"))
                    .isEqualTo("$46\r\nUser u has no permissions to run the 'flushall' command\r\n".replace("$46", "$" + "User u has no permissions to run the 'flushall' command".length()));
            assertThat(c.callText("ACL", "DRYRUN", "u", "get", "other"))
                    .isEqualTo("$38\r\nNo permissions to access the 'other' key\r\n".replace("$38", "$" + "No permissions to access the 'other' key".length()));
            assertThat(c.callText("ACL", "DRYRUN", "u", "publish", "sport", "x"))
                    .isEqualTo("$" + "No permissions to access the 'sport' channel".length()
                            + "\r\nNo permissions to access the 'sport' channel\r\n");
            assertThat(c.callText("ACL", "DRYRUN", "u", "get", "app:1")).isEqualTo("+OK\r\n");
            c.call("ACL", "SETUSER", "u4", "on", "nopass", "+@all", "%R~r*", "%W~w*");
            for (String[] denied : new String[][]{{"set", "w1", "v", "GET"}, {"set", "r1", "v"},
                    {"bitfield", "r1", "GET", "u8", "0", "SET", "u8", "0", "1"}, {"bitfield", "w1", "INCRBY", "u8", "0", "1"}}) {
                String[] command = new String[denied.length + 3];
                command[0] = "ACL";
                command[1] = "DRYRUN";
                command[2] = "u4";
                System.arraycopy(denied, 0, command, 3, denied.length);
                String text = "No permissions to access the '" + denied[1] + "' key";
                assertThat(c.callText(command)).isEqualTo("$" + text.length() + "\r\n" + text + "\r\n");
            }
        }
    }

    @Test
    void genpassLengthsAndRandomness() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                String pass = bulk(c.callText("ACL", "GENPASS"));
                assertThat(pass).hasSize(64).matches("[0-9a-f]+");
                seen.add(pass);
            }
            assertThat(seen).hasSize(20);
            assertThat(bulk(c.callText("ACL", "GENPASS", "1"))).hasSize(1);
            assertThat(bulk(c.callText("ACL", "GENPASS", "5"))).hasSize(2);
            assertThat(bulk(c.callText("ACL", "GENPASS", "4096"))).hasSize(1024);
        }
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() throws Exception {
        try (LarderServer larder = LarderServer.start("--requirepass", "secret");
             RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("GET", "x")).startsWith("-NOAUTH");
            assertThat(c.callText("AUTH", "wrong")).startsWith("-WRONGPASS");
            assertThat(c.callText("AUTH", "default", "secret")).isEqualTo("+OK\r\n");
            assertThat(line(c, "default")).isEqualTo("user default on sanitize-payload #"
                    + "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all");
            assertThat(c.callText("CONFIG", "SET", "requirepass", "")).isEqualTo("+OK\r\n");
            assertThat(line(c, "default")).isEqualTo("user default on nopass sanitize-payload ~* &* +@all");
            try (RawClient fresh = new RawClient(larder.port())) {
                assertThat(fresh.callText("GET", "x")).isEqualTo("$-1\r\n");
                assertThat(fresh.callText("AUTH", "x")).startsWith("-ERR AUTH <password> called without any password");
            }
            // turning the default user into a password user makes new connections authenticate
            c.call("ACL", "SETUSER", "default", ">pw2");
            try (RawClient fresh = new RawClient(larder.port())) {
                assertThat(fresh.callText("GET", "x")).startsWith("-NOAUTH");
                assertThat(fresh.callText("AUTH", "pw2")).isEqualTo("+OK\r\n");
            }
        }
    }

    /**
     * ElastiCache's AUTH token rotation, driven by the control plane over an authenticated connection: ROTATE adds
     * the new token while the old one stays valid, SET then keeps only the new one. Connections opened with the
     * old token keep working.
     */
    @Test
    void authTokenRotation() throws Exception {
        try (LarderServer larder = LarderServer.start("--requirepass", "old-token");
             RawClient control = new RawClient(larder.port());
             RawClient app = new RawClient(larder.port())) {
            assertThat(control.callText("AUTH", "old-token")).isEqualTo("+OK\r\n");
            assertThat(app.callText("AUTH", "old-token")).isEqualTo("+OK\r\n");
            // ROTATE
            assertThat(control.callText("ACL", "SETUSER", "default", ">new-token")).isEqualTo("+OK\r\n");
            for (String token : List.of("old-token", "new-token")) {
                try (RawClient fresh = new RawClient(larder.port())) {
                    assertThat(fresh.callText("AUTH", token)).as(token).isEqualTo("+OK\r\n");
                }
            }
            // SET
            assertThat(control.callText("ACL", "SETUSER", "default", "resetpass", ">new-token")).isEqualTo("+OK\r\n");
            try (RawClient fresh = new RawClient(larder.port())) {
                assertThat(fresh.callText("AUTH", "old-token")).startsWith("-WRONGPASS");
                assertThat(fresh.callText("GET", "k")).startsWith("-NOAUTH");
                assertThat(fresh.callText("AUTH", "new-token")).isEqualTo("+OK\r\n");
            }
            assertThat(app.callText("PING")).isEqualTo("+PONG\r\n");
            // an unauthenticated connection cannot rotate
            try (RawClient intruder = new RawClient(larder.port())) {
                assertThat(intruder.callText("ACL", "SETUSER", "default", ">mine")).startsWith("-NOAUTH");
            }
        }
    }

    @Test
    void configFileUsersAndPubsubDefault(@TempDir Path dir) throws Exception {
        try (LarderServer larder = LarderServer.start("--user", "alice", "on", ">wonder", "~a:*", "+@all",
                "--acl-pubsub-default", "allchannels");
             RawClient c = new RawClient(larder.port())) {
            assertThat(line(c, "alice")).isEqualTo("user alice on sanitize-payload "
                    + "#" + io.larder.node.acl.User.sha256("wonder") + " ~a:* &* +@all");
            assertThat(c.callText("AUTH", "alice", "wonder")).isEqualTo("+OK\r\n");
            assertThat(c.callText("SET", "b", "1")).isEqualTo("-NOPERM No permissions to access a key\r\n");
        }
        // CONFIG REWRITE writes the users back as "user" lines, and a node started from that file has them
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "user old on nopass\nport 0\n");
        io.larder.node.config.ServerConfig config = new io.larder.node.config.ServerConfig();
        io.larder.node.config.ConfigLoader.apply(config, Files.readString(conf));
        io.larder.node.server.Node node = new io.larder.node.server.Node(config, io.larder.engine.util.Clock.SYSTEM);
        node.acl().setUser(null, "zed", List.of("on", ">z", "~z:*", "+get"));
        io.larder.node.config.ConfigRewriter.rewrite(config, conf, node.acl().configUserLines());
        List<String> rewritten = Files.readAllLines(conf);
        assertThat(rewritten.get(0)).isEqualTo("user default on nopass sanitize-payload ~* &* +@all");
        assertThat(rewritten).contains("user old on nopass sanitize-payload resetchannels -@all",
                "user zed on sanitize-payload #" + User.sha256("z") + " ~z:* resetchannels -@all +get");
        io.larder.node.config.ServerConfig again = new io.larder.node.config.ServerConfig();
        io.larder.node.config.ConfigLoader.apply(again, Files.readString(conf));
        io.larder.node.server.Node reloaded = new io.larder.node.server.Node(again, io.larder.engine.util.Clock.SYSTEM);
        assertThat(reloaded.acl().describeAll()).isEqualTo(node.acl().describeAll());

        assertThatThrownBy(() -> LarderServer.start("--user", "bob", "+nosuch"))
                .hasMessageContaining("Unknown command or category name in ACL");
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "");
        assertThatThrownBy(() -> LarderServer.start("--aclfile", file.toString(), "--user", "bob", "on"))
                .hasMessageContaining("users defined in redis.conf and at the same setting an ACL file");
    }

    @Test
    void aclFileSaveAndLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "user carol on >c1 ~c:* +get\nuser default on nopass ~* &* +@all\n");
        try (LarderServer larder = LarderServer.start("--aclfile", file.toString());
             RawClient c = new RawClient(larder.port());
             RawClient carol = new RawClient(larder.port())) {
            assertThat(c.callText("ACL", "USERS")).isEqualTo("*2\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n");
            assertThat(carol.callText("AUTH", "carol", "c1")).isEqualTo("+OK\r\n");
            assertThat(carol.callText("GET", "c:1")).isEqualTo("$-1\r\n");
            c.call("ACL", "SETUSER", "dave", "on", "nopass", "+@all", "~*");
            assertThat(c.callText("ACL", "SAVE")).isEqualTo("+OK\r\n");
            assertThat(Files.readAllLines(file)).containsExactly(
                    "user carol on sanitize-payload #" + io.larder.node.acl.User.sha256("c1")
                            + " ~c:* resetchannels -@all +get",
                    "user dave on nopass sanitize-payload ~* resetchannels +@all",
                    "user default on nopass sanitize-payload ~* &* +@all");
            // a bad file changes nothing
            Files.writeString(file, "user carol on +nosuch\n");
            assertThat(c.callText("ACL", "LOAD")).startsWith("-ERR ").contains("Unknown command or category name in ACL")
                    .contains("no change to the previously active ACL rules was performed");
            assertThat(c.callText("ACL", "USERS")).isEqualTo("*3\r\n$5\r\ncarol\r\n$4\r\ndave\r\n$7\r\ndefault\r\n");
            // a good file replaces the users (the default user takes its initial rules when the file has none);
            // carol's rules changed, so her connection is closed
            Files.writeString(file, "user carol on >c1 ~c:* +@read\n");
            assertThat(c.callText("ACL", "LOAD")).isEqualTo("+OK\r\n");
            assertThat(c.callText("ACL", "USERS")).isEqualTo("*2\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n");
            carol.send(RawClient.encode("PING".getBytes()));
            long deadline = System.currentTimeMillis() + 5000;
            while (!carol.closedByServer() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(carol.closedByServer()).isTrue();
        }
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("ACL", "SAVE")).startsWith("-ERR This Redis instance is not configured to use an ACL file.");
            assertThat(c.callText("ACL", "LOAD")).startsWith("-ERR This Redis instance is not configured to use an ACL file.");
        }
    }

    @Test
    void logLengthIsBounded() throws Exception {
        try (LarderServer larder = LarderServer.start("--acllog-max-len", "3"); RawClient c = new RawClient(larder.port())) {
            for (int i = 0; i < 5; i++) {
                c.call("AUTH", "user" + i, "x");
            }
            assertThat(c.callText("ACL", "LOG")).startsWith("*3\r\n").contains("user4").doesNotContain("user1");
            assertThat(c.callText("ACL", "LOG", "1")).startsWith("*1\r\n").contains("user4");
            c.call("CONFIG", "SET", "acllog-max-len", "1");
            assertThat(c.callText("ACL", "LOG")).startsWith("*1\r\n");
        }
    }

    @Test
    void unrestrictedUsersSkipTheChecks() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient c = new RawClient(larder.port())) {
            Acl acl = larder.node().acl();
            assertThat(acl.defaultUser().unrestricted()).isTrue();
            c.call("ACL", "SETUSER", "default", "-debug");
            assertThat(acl.defaultUser().unrestricted()).isFalse();
            assertThat(c.callText("DEBUG", "SLEEP", "0"))
                    .isEqualTo("-NOPERM User default has no permissions to run the 'debug' command\r\n");
            c.call("ACL", "SETUSER", "default", "+@all");
            assertThat(acl.defaultUser().unrestricted()).isTrue();
            c.call("ACL", "SETUSER", "default", "(+get ~x)");
            assertThat(acl.defaultUser().unrestricted()).isFalse();
        }
    }

    /** The check scripts use for their inner commands: the caller's user, Redis's short texts, context "lua". */
    @Test
    void denialForScriptsIsLoggedWithTheLuaContext() throws Exception {
        try (LarderServer larder = LarderServer.start(); RawClient admin = new RawClient(larder.port());
             RawClient caller = new RawClient(larder.port())) {
            admin.call("ACL", "SETUSER", "scripter", "on", ">s", "~app:*", "+@all", "-flushall");
            caller.call("AUTH", "scripter", "s");
            io.larder.node.server.Client client = larder.node().clients().stream()
                    .filter(c -> c.user().equals("scripter")).findFirst().orElseThrow();
            Acl acl = larder.node().acl();
            io.larder.node.command.CommandTable table = larder.node().commands();
            byte[][] getOther = {"get".getBytes(), "other".getBytes()};
            byte[][] getApp = {"get".getBytes(), "app:1".getBytes()};
            byte[][] flushall = {"flushall".getBytes()};
            assertThat(acl.denial(client, table.get("get"), getApp, "lua")).isNull();
            assertThat(acl.denial(client, table.get("get"), getOther, "lua")).isEqualTo("No permissions to access a key");
            assertThat(acl.denial(client, table.get("flushall"), flushall, "lua"))
                    .isEqualTo("User scripter has no permissions to run the 'flushall' command");
            assertThat(admin.callText("ACL", "LOG")).startsWith("*2\r\n")
                    .contains("$7\r\ncontext\r\n$3\r\nlua\r\n$6\r\nobject\r\n$5\r\nother\r\n")
                    .contains("$7\r\ncontext\r\n$3\r\nlua\r\n$6\r\nobject\r\n$8\r\nflushall\r\n");
            assertThat(admin.callText("INFO", "stats")).contains("acl_access_denied_key:1\r\n",
                    "acl_access_denied_cmd:1\r\n");
        }
    }

    private static String line(RawClient c, String user) throws Exception {
        String list = c.callText("ACL", "LIST");
        for (String l : list.split("\r\n")) {
            if (l.startsWith("user " + user + " ")) {
                return l;
            }
        }
        throw new AssertionError("no user " + user + " in " + list);
    }

    private static String bulk(String reply) {
        assertThat(reply).startsWith("$");
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }
}
