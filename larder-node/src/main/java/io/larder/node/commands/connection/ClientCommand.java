package io.larder.node.commands.connection;

import io.larder.engine.util.Numbers;
import io.larder.node.command.CommandSpec;
import io.larder.node.command.CommandTable;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.ClientHandler;
import io.larder.node.server.ClientPause;
import io.larder.node.server.ClientTracking;
import io.larder.node.server.Subscriptions;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** CLIENT and its subcommands: naming, listing, killing, pausing and per-connection reply/eviction modes. */
public final class ClientCommand {
    static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";
    /** Redis 7.2's text. */
    private static final String[] HELP = {
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
            "HELP",
            "    Print this help."};

    private ClientCommand() {
    }

    static void register(CommandTable table) {
        String plain = "noscript loading stale";
        String admin = "admin noscript loading stale";
        String adminAcl = "admin slow dangerous connection";
        table.register(CommandSpec.builder("client", -2).acl("slow").group("connection").since("2.4.0")
                .summary("Inspects and controls client connections")
                .subcommand(sub("id", 2, plain, "slow connection", "5.0.0", "Returns the connection's id", ClientCommand::id))
                .subcommand(sub("getname", 2, plain, "slow connection", "2.6.9", "Returns the connection's name",
                        ClientCommand::getName))
                .subcommand(sub("setname", 3, plain, "slow connection", "2.6.9", "Names the connection",
                        ClientCommand::setName))
                .subcommand(sub("setinfo", 4, plain, "slow connection", "7.2.0",
                        "Records the client library's name or version", ClientCommand::setInfo)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded"))
                .subcommand(sub("info", 2, plain, "slow connection", "6.2.0", "Describes this connection",
                        ClientCommand::info).tips("nondeterministic_output"))
                .subcommand(sub("list", -2, admin, adminAcl, "2.4.0", "Describes the open connections",
                        ClientCommand::list).tips("nondeterministic_output"))
                .subcommand(sub("kill", -3, admin, adminAcl, "2.4.0", "Closes connections chosen by address, id, ...",
                        ClientCommand::kill))
                .subcommand(sub("pause", -3, admin, adminAcl, "3.0.0", "Holds back clients' commands for a while",
                        ClientCommand::pause))
                .subcommand(sub("unpause", 2, admin, adminAcl, "6.2.0", "Ends a CLIENT PAUSE",
                        ClientCommand::unpause))
                .subcommand(sub("unblock", -3, admin, adminAcl, "5.0.0",
                        "Ends the wait of a client blocked by a blocking command", ClientCommand::unblock))
                .subcommand(sub("reply", 3, plain, "slow connection", "3.2.0",
                        "Turns this connection's replies on or off", ClientCommand::reply))
                .subcommand(sub("no-evict", 3, admin, adminAcl, "7.0.0",
                        "Exempts this connection from client eviction", ClientCommand::noEvict))
                .subcommand(sub("no-touch", 3, plain, "slow connection", "7.2.0",
                        "Keeps this connection's reads from updating keys' access times", ClientCommand::noTouch))
                .subcommand(sub("tracking", -3, plain, "slow connection", "6.0.0",
                        "Turns server-assisted client-side caching on or off", TrackingCommands::tracking))
                .subcommand(sub("getredir", 2, plain, "slow connection", "6.0.0",
                        "Returns the id tracking notifications are redirected to", TrackingCommands::getRedir))
                .subcommand(sub("trackinginfo", 2, plain, "slow connection", "6.2.0",
                        "Describes this connection's key tracking", TrackingCommands::trackingInfo))
                .subcommand(sub("caching", 3, plain, "slow connection", "6.0.0",
                        "Tracks or skips the keys of the next command in OPTIN/OPTOUT tracking",
                        TrackingCommands::caching))
                .subcommand(sub("help", 2, "loading stale", "slow connection", "5.0.0", "Lists the CLIENT subcommands",
                        ClientCommand::help))
                .build());
    }

    private static CommandSpec.Builder sub(String name, int arity, String flags, String acl, String since,
                                           String summary, io.larder.node.command.Command handler) {
        return CommandSpec.builder(name, arity).flags(flags).acl(acl).group("connection").since(since)
                .summary(summary).handler(handler);
    }

    private static void id(Client c, byte[][] args) {
        c.reply().integer(c.id());
    }

    private static void getName(Client c, byte[][] args) {
        if (c.name().isEmpty()) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(c.name());
        }
    }

    /** Redis accepts only printable ASCII without spaces in names and library attributes. */
    static boolean validName(String name) {
        return name.chars().allMatch(ch -> ch >= '!' && ch <= '~');
    }

    private static void setName(Client c, byte[][] args) {
        String name = new String(args[2], StandardCharsets.UTF_8);
        if (!validName(name)) {
            c.error(BAD_NAME);
            return;
        }
        c.name(name);
        c.reply().ok();
    }

    private static void setInfo(Client c, byte[][] args) {
        String attribute = new String(args[2], StandardCharsets.UTF_8);
        String value = new String(args[3], StandardCharsets.UTF_8);
        boolean libName = attribute.equalsIgnoreCase("lib-name");
        if (!libName && !attribute.equalsIgnoreCase("lib-ver")) {
            c.error("ERR Unrecognized option '" + attribute + "'");
            return;
        }
        if (!validName(value)) {
            c.error("ERR " + attribute + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (libName) {
            c.libName(value);
        } else {
            c.libVersion(value);
        }
        c.reply().ok();
    }

    private static void info(Client c, byte[][] args) {
        StringBuilder s = new StringBuilder();
        describe(s, c, c, args);
        c.reply().verbatim("txt", s.toString());
    }

    /** CLIENT LIST [TYPE type] [ID id ...]. */
    private static void list(Client c, byte[][] args) {
        String type = null;
        List<Long> ids = null;
        for (int i = 2; i < args.length; i++) {
            String option = new String(args[i], StandardCharsets.UTF_8);
            if (option.equalsIgnoreCase("type") && i + 1 < args.length) {
                type = new String(args[++i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                if (!isClientType(type)) {
                    c.error("ERR Unknown client type '" + new String(args[i], StandardCharsets.UTF_8) + "'");
                    return;
                }
            } else if (option.equalsIgnoreCase("id") && i + 1 < args.length) {
                ids = new ArrayList<>();
                for (i = i + 1; i < args.length; i++) {
                    try {
                        ids.add(Numbers.parseLong(args[i]));
                    } catch (Numbers.NotANumber e) {
                        c.error("ERR Invalid client ID");
                        return;
                    }
                }
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        StringBuilder s = new StringBuilder();
        if (ids != null) {
            for (long id : ids) {
                Client other = c.node().client(id);
                if (other != null && (type == null || typeMatches(other, type))) {
                    describe(s, other, c, args);
                }
            }
        } else {
            for (Client other : sortedClients(c)) {
                if (type == null || typeMatches(other, type)) {
                    describe(s, other, c, args);
                }
            }
        }
        c.reply().verbatim("txt", s.toString());
    }

    private static List<Client> sortedClients(Client c) {
        List<Client> all = new ArrayList<>(c.node().clients());
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
        return all;
    }

    private static boolean isClientType(String type) {
        return switch (type) {
            case "normal", "master", "replica", "slave", "pubsub" -> true;
            default -> false;
        };
    }

    /**
     * The client's class as CLIENT LIST/KILL TYPE name it. Redis shows monitors as normal clients although it
     * treats them as replicas otherwise; the replica class comes with replication.
     */
    private static String typeOf(Client c) {
        if (c.master()) {
            return "master";
        }
        if (c.node().replication().isReplica(c)) {
            return "replica";
        }
        return c.subscribed() ? "pubsub" : "normal";
    }

    private static boolean typeMatches(Client c, String type) {
        return typeOf(c).equals(type.equals("slave") ? "replica" : type);
    }

    /** The client's CLIENT INFO line (ACL LOG's client-info). */
    public static String describe(Client c) {
        StringBuilder s = new StringBuilder();
        describe(s, c, c, new byte[0][]);
        return s.toString();
    }

    /** One CLIENT LIST line with every field Redis 7.2 prints, in its order. */
    private static void describe(StringBuilder s, Client c, Client caller, byte[][] callerArgs) {
        long now = System.currentTimeMillis();
        ClientHandler h = c.handler();
        long argvMem = 0;
        if (c == caller) {
            for (byte[] a : callerArgs) {
                argvMem += a.length;
            }
        }
        int obl = c.reply().pending();
        ClientTracking tracking = c.node().tracking().stateOf(c);
        s.append("id=").append(c.id())
                .append(" addr=").append(c.remoteAddress())
                .append(" laddr=").append(c.localAddress())
                .append(" fd=").append(fd(c.channel()))
                .append(" name=").append(c.name())
                .append(" age=").append((now - c.createdMillis()) / 1000)
                .append(" idle=").append(c == caller ? 0 : (now - c.lastInteractionMillis()) / 1000)
                .append(" flags=").append(flags(c, tracking))
                .append(" db=").append(c.dbIndex())
                .append(subscriptionCounts(c))
                .append(" multi=").append(c.transaction().queuedCount())
                .append(" qbuf=").append(h == null ? 0 : h.queryBufferBytes())
                .append(" qbuf-free=0")
                .append(" argv-mem=").append(argvMem)
                .append(" multi-mem=0")
                .append(" rbs=16384 rbp=16384")
                .append(" obl=").append(obl)
                .append(" oll=0 omem=0")
                .append(" tot-mem=").append(16384 + argvMem + obl)
                .append(" events=").append(c.channel().isWritable() ? "r" : "rw")
                .append(" cmd=").append(c.lastCommand())
                .append(" user=").append(c.user())
                .append(" redir=").append(tracking == null ? -1 : tracking.reportedRedirect())
                .append(" resp=").append(c.reply().protocol())
                .append(" lib-name=").append(c.libName())
                .append(" lib-ver=").append(c.libVersion())
                .append('\n');
    }

    private static String subscriptionCounts(Client c) {
        Subscriptions s = c.subscriptionsIfAny();
        return s == null ? " sub=0 psub=0 ssub=0"
                : " sub=" + s.channels() + " psub=" + s.patterns() + " ssub=" + s.shardChannels();
    }

    private static int fd(Channel channel) {
        if (channel instanceof UnixChannel unix) {
            return unix.fd().intValue();
        }
        return -1;
    }

    private static String flags(Client c, ClientTracking tracking) {
        StringBuilder f = new StringBuilder();
        if (c.monitor()) {
            f.append('O');
        } else if (c.node().replication().isReplica(c)) {
            f.append('S');
        }
        if (c.master()) {
            f.append('M');
        }
        if (c.subscribed()) {
            f.append('P');
        }
        if (c.transaction().open()) {
            f.append('x');
        }
        if (c.handler() != null && c.handler().suspended()) {
            f.append('b');
        }
        TrackingCommands.appendFlags(f, tracking);
        if (c.transaction().dirty()) {
            f.append('d');
        }
        if (c.closingAfterReply()) {
            f.append('c');
        }
        if (c.noEvict()) {
            f.append('e');
        }
        if (c.noTouch()) {
            f.append('T');
        }
        return f.isEmpty() ? "N" : f.toString();
    }

    /** The filters of CLIENT KILL's option form; unset ones match every client. */
    private record KillFilter(Long id, String type, String addr, String laddr, String user, boolean skipMe,
                              Long maxAge) {
        boolean matches(Client c, Client caller, long now) {
            return (id == null || c.id() == id)
                    && (type == null || typeMatches(c, type))
                    && (addr == null || c.remoteAddress().equals(addr))
                    && (laddr == null || c.localAddress().equals(laddr))
                    && (user == null || c.user().equals(user))
                    && (!skipMe || c != caller)
                    && (maxAge == null || (now - c.createdMillis()) / 1000 >= maxAge);
        }
    }

    private static void kill(Client c, byte[][] args) {
        if (args.length == 3) {
            String addr = new String(args[2], StandardCharsets.UTF_8);
            for (Client other : c.node().clients()) {
                if (other.remoteAddress().equals(addr)) {
                    close(other, c);
                    c.reply().ok();
                    return;
                }
            }
            c.error("ERR No such client");
            return;
        }
        KillFilter filter = parseKill(c, args);
        if (filter == null) {
            return;
        }
        long now = System.currentTimeMillis();
        int killed = 0;
        for (Client other : c.node().clients()) {
            if (filter.matches(other, c, now)) {
                close(other, c);
                killed++;
            }
        }
        c.reply().integer(killed);
    }

    /** Parses CLIENT KILL's option pairs, replying with Redis's error and returning null when they are wrong. */
    private static KillFilter parseKill(Client c, byte[][] args) {
        if (args.length % 2 != 0) {
            c.error(Errors.SYNTAX);
            return null;
        }
        Long id = null;
        String type = null;
        String addr = null;
        String laddr = null;
        String user = null;
        boolean skipMe = true;
        Long maxAge = null;
        for (int i = 2; i < args.length; i += 2) {
            String option = new String(args[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            String value = new String(args[i + 1], StandardCharsets.UTF_8);
            switch (option) {
                case "id" -> {
                    long v;
                    try {
                        v = Numbers.parseLong(args[i + 1]);
                    } catch (Numbers.NotANumber e) {
                        v = 0;
                    }
                    if (v <= 0) {
                        c.error("ERR client-id should be greater than 0");
                        return null;
                    }
                    id = v;
                }
                case "type" -> {
                    type = value.toLowerCase(Locale.ROOT);
                    if (!isClientType(type)) {
                        c.error("ERR Unknown client type '" + value + "'");
                        return null;
                    }
                }
                case "addr" -> addr = value;
                case "laddr" -> laddr = value;
                case "user" -> {
                    if (c.node().acl().user(value) == null) {
                        c.error("ERR No such user '" + value + "'");
                        return null;
                    }
                    user = value;
                }
                case "skipme" -> {
                    if (value.equalsIgnoreCase("yes")) {
                        skipMe = true;
                    } else if (value.equalsIgnoreCase("no")) {
                        skipMe = false;
                    } else {
                        c.error(Errors.SYNTAX);
                        return null;
                    }
                }
                case "maxage" -> {
                    try {
                        maxAge = Numbers.parseLong(args[i + 1]);
                    } catch (Numbers.NotANumber e) {
                        c.error(Errors.NOT_INTEGER);
                        return null;
                    }
                }
                default -> {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
        }
        return new KillFilter(id, type, addr, laddr, user, skipMe, maxAge);
    }

    /** The caller itself is closed after this reply; others at once. */
    private static void close(Client victim, Client caller) {
        if (victim == caller) {
            caller.closeAfterReply();
        } else {
            victim.kill();
        }
    }

    private static void pause(Client c, byte[][] args) {
        long millis;
        try {
            millis = Numbers.parseLong(args[2]);
        } catch (Numbers.NotANumber e) {
            c.error("ERR timeout is not an integer or out of range");
            return;
        }
        if (millis < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        ClientPause.Mode mode = ClientPause.Mode.ALL;
        if (args.length == 4) {
            String m = new String(args[3], StandardCharsets.UTF_8);
            if (m.equalsIgnoreCase("write")) {
                mode = ClientPause.Mode.WRITE;
            } else if (!m.equalsIgnoreCase("all")) {
                c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        } else if (args.length > 4) {
            c.error(Errors.SYNTAX);
            return;
        }
        ClientPause pause = c.node().pause();
        long now = System.currentTimeMillis();
        pause.pause(now + millis, mode);
        // The pause ends on time even without cron ticks: wake up at the deadline and release the clients.
        c.channel().eventLoop().schedule(() -> pause.expireIfDue(System.currentTimeMillis()), millis + 1,
                TimeUnit.MILLISECONDS);
        c.reply().ok();
    }

    private static void unpause(Client c, byte[][] args) {
        c.node().pause().unpause();
        c.reply().ok();
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked and now is not, else 0. */
    private static void unblock(Client c, byte[][] args) {
        if (args.length > 4) {
            c.error("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(args[1], StandardCharsets.UTF_8) + "'. Try CLIENT HELP.");
            return;
        }
        boolean withError = false;
        if (args.length == 4) {
            String reason = new String(args[3], StandardCharsets.UTF_8);
            if (reason.equalsIgnoreCase("error")) {
                withError = true;
            } else if (!reason.equalsIgnoreCase("timeout")) {
                c.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        Long id = Args.parseLong(c, args[2]);
        if (id == null) {
            return;
        }
        c.reply().integer(c.node().blocked().unblock(id, withError) ? 1 : 0);
    }

    private static void reply(Client c, byte[][] args) {
        String mode = new String(args[2], StandardCharsets.UTF_8);
        if (mode.equalsIgnoreCase("on")) {
            c.replyMode(Client.ReplyMode.ON);
            c.reply().ok();
        } else if (mode.equalsIgnoreCase("off")) {
            c.replyMode(Client.ReplyMode.OFF);
        } else if (mode.equalsIgnoreCase("skip")) {
            if (c.replyMode() == Client.ReplyMode.ON) {
                c.skipNextReply();
            }
        } else {
            c.error(Errors.SYNTAX);
        }
    }

    private static void noEvict(Client c, byte[][] args) {
        Boolean on = onOff(args[2]);
        if (on == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        c.noEvict(on);
        c.reply().ok();
    }

    private static void noTouch(Client c, byte[][] args) {
        Boolean on = onOff(args[2]);
        if (on == null) {
            c.error(Errors.SYNTAX);
            return;
        }
        c.noTouch(on);
        c.reply().ok();
    }

    private static Boolean onOff(byte[] arg) {
        String v = new String(arg, StandardCharsets.UTF_8);
        if (v.equalsIgnoreCase("on")) {
            return true;
        }
        return v.equalsIgnoreCase("off") ? false : null;
    }

    private static void help(Client c, byte[][] args) {
        c.reply().array(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }
}
