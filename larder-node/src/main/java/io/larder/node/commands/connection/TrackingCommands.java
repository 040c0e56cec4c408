package io.larder.node.commands.connection;

import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.node.server.ClientTracking;
import io.larder.node.server.Tracking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: client-side caching as Redis 7.2 offers it. */
final class TrackingCommands {
    private static final String OVERLAP_TAIL = ". Prefixes for a single client must not overlap.";

    private TrackingCommands() {
    }

    /** CLIENT TRACKING's arguments, parsed. */
    private record Request(boolean on, Tracking.Options options) {
    }

    /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
    static void tracking(Client c, byte[][] args) {
        Request request = parse(c, args);
        if (request == null) {
            return;
        }
        Tracking tracking = c.node().tracking();
        if (!request.on()) {
            tracking.disable(c);
            c.reply().ok();
            return;
        }
        Tracking.Options o = request.options();
        if (conflict(c, o)) {
            return;
        }
        tracking.enable(c, o);
        c.reply().ok();
    }

    /** Options are read before ON|OFF, so their errors come first, as in Redis. */
    private static Request parse(Client c, byte[][] args) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            boolean more = i + 1 < args.length;
            String option = new String(args[i], StandardCharsets.UTF_8);
            if (option.equalsIgnoreCase("redirect") && more) {
                i++;
                if (redirect != 0) {
                    c.error("ERR A client can only redirect to a single other client");
                    return null;
                }
                try {
                    redirect = Numbers.parseLong(args[i]);
                } catch (Numbers.NotANumber e) {
                    c.error(Errors.NOT_INTEGER);
                    return null;
                }
                // Checked now, although the client may go away later: then tracking-redir-broken tells.
                if (c.node().client(redirect) == null) {
                    c.error("ERR The client ID you want redirect to does not exist");
                    return null;
                }
            } else if (option.equalsIgnoreCase("bcast")) {
                bcast = true;
            } else if (option.equalsIgnoreCase("optin")) {
                optin = true;
            } else if (option.equalsIgnoreCase("optout")) {
                optout = true;
            } else if (option.equalsIgnoreCase("noloop")) {
                noloop = true;
            } else if (option.equalsIgnoreCase("prefix") && more) {
                prefixes.add(args[++i]);
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
        }
        String mode = new String(args[2], StandardCharsets.UTF_8);
        boolean on = mode.equalsIgnoreCase("on");
        if (!on && !mode.equalsIgnoreCase("off")) {
            c.error(Errors.SYNTAX);
            return null;
        }
        return new Request(on, new Tracking.Options(redirect, bcast, optin, optout, noloop, prefixes));
    }

    /** Redis's checks of ON's options against each other and the client's current mode; true after an error. */
    private static boolean conflict(Client c, Tracking.Options o) {
        ClientTracking current = c.tracking();
        boolean on = current != null && current.on();
        if (!o.bcast() && !o.prefixes().isEmpty()) {
            c.error("ERR PREFIX option requires BCAST mode to be enabled");
            return true;
        }
        if (on && current.bcast() != o.bcast()) {
            c.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                    + "re-enabling it with a different mode.");
            return true;
        }
        if (o.bcast() && (o.optin() || o.optout())) {
            c.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
            return true;
        }
        if (o.optin() && o.optout()) {
            c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
            return true;
        }
        if (on && (o.optin() && current.optout() || o.optout() && current.optin())) {
            c.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
                    + "re-enabling it with a different mode.");
            return true;
        }
        return o.bcast() && prefixesOverlap(c, o.prefixes(), current);
    }

    /**
     * Two prefixes of one client overlap when one starts with the other: a key would be announced twice. As in
     * Redis (checkPrefixCollisionsOrReply), an overlap between two new prefixes is only fatal when the first of
     * them is the first prefix given; later ones are reported and the command still goes on (and replies OK).
     */
    private static boolean prefixesOverlap(Client c, List<byte[]> prefixes, ClientTracking current) {
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (current != null) {
                for (byte[] existing : current.prefixes()) {
                    if (overlap(existing, p)) {
                        c.error("ERR Prefix '" + text(p) + "' overlaps with an existing prefix '" + text(existing)
                                + "'" + OVERLAP_TAIL);
                        return true;
                    }
                }
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (overlap(p, prefixes.get(j))) {
                    c.error("ERR Prefix '" + text(p) + "' overlaps with another provided prefix '"
                            + text(prefixes.get(j)) + "'" + OVERLAP_TAIL);
                    return i == 0;
                }
            }
        }
        return false;
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** A prefix as Redis's %s prints it: up to its first NUL byte. */
    private static String text(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** CLIENT CACHING YES|NO: tracks (OPTIN) or skips (OPTOUT) the keys of the next command or transaction. */
    static void caching(Client c, byte[][] args) {
        ClientTracking t = c.tracking();
        if (t == null || !t.on()) {
            c.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                    + "OPTOUT mode enabled");
            return;
        }
        String choice = new String(args[2], StandardCharsets.UTF_8);
        if (choice.equalsIgnoreCase("yes")) {
            if (!t.optin()) {
                c.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        } else if (choice.equalsIgnoreCase("no")) {
            if (!t.optout()) {
                c.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        } else {
            c.error(Errors.SYNTAX);
            return;
        }
        t.cachingGiven();
        c.reply().ok();
    }

    /** CLIENT GETREDIR: the redirect id, 0 without one, -1 when tracking is off. */
    static void getRedir(Client c, byte[][] args) {
        ClientTracking t = c.tracking();
        c.reply().integer(t == null ? -1 : t.reportedRedirect());
    }

    /** CLIENT TRACKINGINFO: flags, redirect and prefixes, as Redis reports them. */
    static void trackingInfo(Client c, byte[][] args) {
        ClientTracking t = c.tracking();
        List<String> flags = new ArrayList<>();
        boolean on = t != null && t.on();
        flags.add(on ? "on" : "off");
        if (on) {
            if (t.bcast()) {
                flags.add("bcast");
            }
            if (t.optin()) {
                flags.add("optin");
                if (t.caching()) {
                    flags.add("caching-yes");
                }
            }
            if (t.optout()) {
                flags.add("optout");
                if (t.caching()) {
                    flags.add("caching-no");
                }
            }
            if (t.noloop()) {
                flags.add("noloop");
            }
            if (t.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        c.reply().map(3);
        c.reply().bulk("flags");
        c.reply().set(flags.size());
        flags.forEach(c.reply()::bulk);
        c.reply().bulk("redirect");
        c.reply().integer(t == null ? -1 : t.reportedRedirect());
        c.reply().bulk("prefixes");
        List<byte[]> prefixes = t == null ? List.of() : t.prefixes();
        c.reply().array(prefixes.size());
        prefixes.forEach(c.reply()::bulk);
    }

    /** CLIENT LIST/INFO flags for tracking, in Redis's order: t (on), R (broken redirect), B (BCAST). */
    static void appendFlags(StringBuilder f, ClientTracking t) {
        if (t != null && t.on()) {
            f.append('t');
            if (t.brokenRedirect()) {
                f.append('R');
            }
            if (t.bcast()) {
                f.append('B');
            }
        }
    }
}
