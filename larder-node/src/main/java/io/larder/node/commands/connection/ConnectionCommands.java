package io.larder.node.commands.connection;

import io.larder.engine.util.Numbers;
import io.larder.node.acl.Acl;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.Version;

import java.nio.charset.StandardCharsets;

/**
 * The commands of a connection's life: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO, MONITOR, and the CLIENT
 * family ({@link ClientCommand}).
 */
public final class ConnectionCommands {
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    private static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
            + "RESP protocol version at the same time";
    private static final String AUTH_WITHOUT_PASSWORD = "ERR AUTH <password> called without any password configured "
            + "for the default user. Are you sure your configuration is correct?";
    private static final String ALWAYS = "noscript loading stale fast no_auth allow_busy";

    private ConnectionCommands() {
    }

    public static void register(CommandTable table) {
        table.register(CommandSpec.builder("ping", -1).flags("fast").acl("fast connection")
                .tips("request_policy:all_shards", "response_policy:all_succeeded").group("connection")
                .summary("Returns PONG, or the argument, to check the connection").handler(ConnectionCommands::ping).build());
        table.register(CommandSpec.builder("echo", 2).flags("loading stale fast").acl("fast connection")
                .group("connection").summary("Returns the argument").handler((c, a) -> c.reply().bulk(a[1])).build());
        table.register(CommandSpec.builder("quit", -1).flags(ALWAYS).acl("fast connection").group("connection")
                .summary("Closes the connection").handler(ConnectionCommands::quit).build());
        table.register(CommandSpec.builder("reset", 1).flags(ALWAYS).acl("fast connection").group("connection")
                .since("6.2.0").summary("Returns the connection to the state of a new one")
                .handler(ConnectionCommands::reset).build());
        table.register(CommandSpec.builder("select", 2).flags("loading stale fast").acl("fast connection")
                .group("connection").summary("Changes the selected database").handler(ConnectionCommands::select).build());
        table.register(CommandSpec.builder("auth", -2).flags(ALWAYS).acl("fast connection").group("connection")
                .summary("Authenticates the connection").handler(ConnectionCommands::auth).build());
        table.register(CommandSpec.builder("hello", -1).flags(ALWAYS).acl("fast connection").group("connection")
                .since("6.0.0").summary("Chooses the protocol version, optionally authenticating and naming the connection")
                .handler(ConnectionCommands::hello).build());
        table.register(CommandSpec.builder("monitor", 1).flags("admin noscript loading stale")
                .acl("admin slow dangerous").group("server")
                .summary("Streams every command the server runs to this connection")
                .handler(ConnectionCommands::monitor).build());
        ClientCommand.register(table);
    }

    private static void ping(Client c, byte[][] args) {
        if (args.length > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
        } else if (c.subscribedResp2()) {
            // RESP2 subscribed mode answers in the shape of a message so listeners can parse it.
            c.reply().array(2);
            c.reply().bulk("pong");
            c.reply().bulk(args.length == 2 ? args[1] : new byte[0]);
        } else if (args.length == 2) {
            c.reply().bulk(args[1]);
        } else {
            c.reply().simple("PONG");
        }
    }

    private static void quit(Client c, byte[][] args) {
        c.reply().ok();
        c.closeAfterReply();
    }

    /**
     * Everything a new connection starts with: db 0, RESP2, replies on, no name, default user, no monitor, no
     * transaction or watched keys, no subscriptions (dropped without confirmations).
     */
    private static void reset(Client c, byte[][] args) {
        c.transaction().discard();
        c.node().pubsub().unsubscribeAll(c);
        c.node().tracking().disable(c);
        c.select(0);
        c.reply().protocol(2);
        c.replyMode(Client.ReplyMode.ON);
        c.name("");
        c.noEvict(false);
        c.noTouch(false);
        if (c.monitor()) {
            c.monitor(false);
            c.node().monitors().remove(c);
        }
        c.aclUser(c.node().acl().defaultUser());
        c.loginExpiresMillis(0);
        c.authenticated(!c.node().acl().authRequired());
        c.reply().simple("RESET");
    }

    private static void select(Client c, byte[][] args) {
        long index;
        try {
            index = Numbers.parseLong(args[1]);
        } catch (Numbers.NotANumber e) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        if (index < 0 || index >= c.node().keyspace().databaseCount()) {
            c.error(Errors.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        c.select((int) index);
        c.reply().ok();
    }

    private static void auth(Client c, byte[][] args) {
        byte[] user = args.length == 3 ? args[1] : "default".getBytes(StandardCharsets.US_ASCII);
        byte[] password = args[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            Redaction.redact(args, i);
        }
        if (args.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (args.length == 2 && c.node().acl().defaultUser().nopass()) {
            c.error(AUTH_WITHOUT_PASSWORD);
            return;
        }
        authenticate(c, args[0], user, password, () -> c.reply().ok());
    }

    /**
     * Checks credentials against the ACL users (a token for users of larder-token-users), then runs
     * {@code loggedIn}; a failure is replied to, logged (ACL LOG) and counted. A token's signature may be checked
     * off the event loop, with the connection's later requests held until this is done. A login replaces the
     * previous one, token expiry included.
     */
    private static void authenticate(Client c, byte[] command, byte[] user, byte[] password, Runnable loggedIn) {
        String name = new String(user, StandardCharsets.UTF_8);
        c.node().acl().login(c, name, password, login -> {
            if (login.user() == null) {
                c.node().acl().authFailed(c, new String(command, StandardCharsets.UTF_8), name, login.failure());
                c.error(WRONGPASS);
                return;
            }
            c.aclUser(login.user());
            c.loginExpiresMillis(login.expiresAtMillis());
            c.authenticated(true);
            loggedIn.run();
        });
    }

    /** HELLO [protover [AUTH user pass] [SETNAME name]], checked in Redis's order. */
    private static void hello(Client c, byte[][] args) {
        int protocol = c.reply().protocol();
        if (args.length >= 2) {
            long version;
            try {
                version = Numbers.parseLong(args[1]);
            } catch (Numbers.NotANumber e) {
                c.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version < 2 || version > 3) {
                c.error("NOPROTO unsupported protocol version");
                return;
            }
            protocol = (int) version;
        }
        byte[] user = null;
        byte[] password = null;
        String name = null;
        for (int i = 2; i < args.length; i++) {
            String option = new String(args[i], StandardCharsets.UTF_8);
            int more = args.length - i - 1;
            if (option.equalsIgnoreCase("auth") && more >= 2) {
                user = args[i + 1];
                password = args[i + 2];
                Redaction.redact(args, i + 1);
                Redaction.redact(args, i + 2);
                i += 2;
            } else if (option.equalsIgnoreCase("setname") && more >= 1) {
                name = new String(args[i + 1], StandardCharsets.UTF_8);
                if (!ClientCommand.validName(name)) {
                    c.error(ClientCommand.BAD_NAME);
                    return;
                }
                i++;
            } else {
                c.error("ERR Syntax error in HELLO option '" + option + "'");
                return;
            }
        }
        int chosen = protocol;
        String newName = name;
        if (user != null) {
            authenticate(c, args[0], user, password, () -> helloReply(c, chosen, newName));
        } else {
            helloReply(c, chosen, newName);
        }
    }

    private static void helloReply(Client c, int protocol, String name) {
        if (c.authRequired()) {
            c.error(HELLO_NOAUTH);
            return;
        }
        c.reply().protocol(protocol);
        if (name != null) {
            c.name(name);
        }
        c.reply().map(7);
        c.reply().bulk("server");
        c.reply().bulk("redis");
        c.reply().bulk("version");
        c.reply().bulk(Version.REDIS);
        c.reply().bulk("proto");
        c.reply().integer(protocol);
        c.reply().bulk("id");
        c.reply().integer(c.id());
        c.reply().bulk("mode");
        c.reply().bulk("standalone");
        c.reply().bulk("role");
        c.reply().bulk("master");
        c.reply().bulk("modules");
        c.reply().array(0);
    }

    private static void monitor(Client c, byte[][] args) {
        if (c.monitor()) {
            return;
        }
        c.monitor(true);
        c.node().monitors().add(c);
        c.reply().ok();
    }
}
