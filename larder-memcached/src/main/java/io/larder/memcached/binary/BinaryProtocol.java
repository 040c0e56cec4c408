package io.larder.memcached.binary;

import io.larder.memcached.discovery.ClusterConfig;
import io.larder.memcached.sasl.CramMd5;
import io.larder.memcached.sasl.SaslPlain;
import io.larder.memcached.server.McConnection;
import io.larder.memcached.server.McServer;
import io.larder.memcached.server.McSettings;
import io.larder.memcached.server.Protocol;
import io.larder.memcached.server.ServerStats;
import io.larder.memcached.server.StatsReport;
import io.larder.memcached.store.Item;
import io.larder.memcached.store.Store;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

import static io.larder.memcached.binary.Opcodes.*;

/**
 * memcached's binary protocol (proto_bin.c): 24-byte headers, every opcode including the quiet ones (whose
 * successes, and GETQ/GETKQ/GATQ misses, send nothing), SASL PLAIN when {@code -S} is on, and ElastiCache's
 * CONFIG_GET. A frame of an impossible shape gets EINVAL and the connection is closed, as memcached does; a
 * value over the item size limit gets E2BIG and is skipped without being buffered.
 */
public final class BinaryProtocol implements Protocol {
    public static final int REQUEST_MAGIC = 0x80;
    private static final int RESPONSE_MAGIC = 0x81;
    private static final int HEADER = 24;
    private static final int KEY_MAX_LENGTH = 250;
    /** Bodies of commands that carry no item value (SASL data) are small; more is an attack or garbage. */
    private static final int SMALL_BODY_MAX = 64 * 1024;
    private static final byte[] LEGACY_CONFIG_KEY = ClusterConfig.LEGACY_KEY.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_BYTES = new byte[0];
    private static final byte[] MECHANISMS = "CRAM-MD5 PLAIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTHENTICATED = "Authenticated".getBytes(StandardCharsets.US_ASCII);

    private final McConnection conn;
    private final McServer server;
    private final Store store;
    private final ServerStats stats;
    private long swallow;
    /** The CRAM-MD5 challenge this connection was sent, until it answers. */
    private byte[] challenge;

    public BinaryProtocol(McConnection conn) {
        this.conn = conn;
        this.server = conn.server();
        this.store = server.store();
        this.stats = server.stats();
    }

    @Override
    public void process(ByteBuf in) {
        while (!conn.closing() && !conn.paused()) {
            if (swallow > 0) {
                int n = (int) Math.min(swallow, in.readableBytes());
                in.skipBytes(n);
                swallow -= n;
                if (swallow > 0) {
                    return;
                }
                continue;
            }
            if (!in.isReadable()) {
                return;
            }
            int base = in.readerIndex();
            // Not a request: drop the connection at once instead of waiting for a whole header of garbage.
            if (in.getUnsignedByte(base) != REQUEST_MAGIC) {
                conn.abort();
                return;
            }
            if (in.readableBytes() < HEADER) {
                return;
            }
            int opcode = in.getUnsignedByte(base + 1);
            int keylen = in.getUnsignedShort(base + 2);
            int extlen = in.getUnsignedByte(base + 4);
            long bodylen = in.getUnsignedInt(base + 8);
            int opaque = in.getInt(base + 12);
            long cas = in.getLong(base + 16);
            if (keylen + extlen > bodylen) {
                in.skipBytes(HEADER);
                error(opcode, Status.UNKNOWN_COMMAND, opaque);
                conn.closeAfterWrite();
                return;
            }
            if (server.settings().sasl && !conn.authenticated() && opcode != SASL_LIST_MECHS
                    && opcode != SASL_AUTH && opcode != SASL_STEP && opcode != VERSION) {
                in.skipBytes(HEADER);
                error(opcode, Status.AUTH_ERROR, opaque);
                conn.closeAfterWrite();
                return;
            }
            int loud = Opcodes.loud(opcode);
            boolean quiet = loud >= 0;
            int cmd = quiet ? loud : opcode;
            long valueLength = bodylen - keylen - extlen;
            Shape shape = shape(cmd, keylen, extlen, bodylen);
            if (shape == Shape.INVALID || keylen > KEY_MAX_LENGTH) {
                in.skipBytes(HEADER);
                error(opcode, Status.EINVAL, opaque);
                conn.closeAfterWrite();
                return;
            }
            if (shape == Shape.UNKNOWN) {
                in.skipBytes(HEADER);
                error(opcode, Status.UNKNOWN_COMMAND, opaque);
                swallow = bodylen;
                continue;
            }
            if (shape == Shape.STORAGE && !store.fits(keylen, 0, valueLength)) {
                if (in.readableBytes() < HEADER + extlen + keylen) {
                    return;
                }
                in.skipBytes(HEADER + extlen);
                byte[] key = new byte[keylen];
                in.readBytes(key);
                stats.storeTooLarge.increment();
                if (cmd == SET) {
                    store.delete(key, 0);
                }
                error(opcode, Status.E2BIG, opaque);
                swallow = valueLength;
                continue;
            }
            if (shape == Shape.SMALL && bodylen > SMALL_BODY_MAX) {
                in.skipBytes(HEADER);
                error(opcode, Status.EINVAL, opaque);
                conn.closeAfterWrite();
                return;
            }
            if (in.readableBytes() < HEADER + bodylen) {
                return;
            }
            in.skipBytes(HEADER);
            byte[] extras = new byte[extlen];
            in.readBytes(extras);
            byte[] key = new byte[keylen];
            in.readBytes(key);
            byte[] value = new byte[(int) valueLength];
            in.readBytes(value);
            dispatch(new Request(opcode, cmd, quiet, opaque, cas, extras, key, value));
        }
    }

    private enum Shape { OK, STORAGE, SMALL, INVALID, UNKNOWN }

    /** memcached's per-opcode checks of the lengths in the header, done before the body is read. */
    private Shape shape(int cmd, int keylen, int extlen, long bodylen) {
        boolean ok = switch (cmd) {
            case VERSION, NOOP, QUIT, SASL_LIST_MECHS -> extlen == 0 && keylen == 0 && bodylen == 0;
            case FLUSH -> keylen == 0 && bodylen == extlen && (extlen == 0 || extlen == 4);
            case SET, ADD, REPLACE -> extlen == 8 && keylen != 0 && bodylen >= keylen + 8;
            case GET, GETK, DELETE, CONFIG_GET -> extlen == 0 && keylen > 0 && bodylen == keylen;
            case INCREMENT, DECREMENT -> keylen > 0 && extlen == 20 && bodylen == keylen + extlen;
            case APPEND, PREPEND -> keylen > 0 && extlen == 0;
            case STAT -> extlen == 0 && bodylen == keylen;
            case SASL_AUTH, SASL_STEP -> extlen == 0 && keylen != 0;
            case TOUCH, GAT, GATK -> extlen == 4 && keylen != 0 && bodylen == keylen + 4;
            default -> {
                yield true;
            }
        };
        if (!ok) {
            return Shape.INVALID;
        }
        return switch (cmd) {
            case SET, ADD, REPLACE, APPEND, PREPEND -> Shape.STORAGE;
            case SASL_AUTH, SASL_STEP -> Shape.SMALL;
            case VERSION, NOOP, QUIT, SASL_LIST_MECHS, FLUSH, GET, GETK, DELETE, CONFIG_GET, INCREMENT, DECREMENT,
                 STAT, TOUCH, GAT, GATK -> Shape.OK;
            default -> Shape.UNKNOWN;
        };
    }

    private record Request(int opcode, int cmd, boolean quiet, int opaque, long cas, byte[] extras, byte[] key,
                           byte[] value) {
        int extraInt(int offset) {
            return ((extras[offset] & 0xff) << 24) | ((extras[offset + 1] & 0xff) << 16)
                    | ((extras[offset + 2] & 0xff) << 8) | (extras[offset + 3] & 0xff);
        }

        long extraLong(int offset) {
            return ((long) extraInt(offset) << 32) | (extraInt(offset + 4) & 0xffffffffL);
        }
    }

    private void dispatch(Request r) {
        switch (r.cmd()) {
            case GET, GETK -> get(r);
            case TOUCH, GAT, GATK -> touch(r);
            case SET, ADD, REPLACE, APPEND, PREPEND -> update(r);
            case DELETE -> delete(r);
            case INCREMENT, DECREMENT -> arithmetic(r);
            case QUIT -> {
                if (!r.quiet()) {
                    respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, NO_BYTES);
                }
                conn.closeAfterWrite();
            }
            case FLUSH -> flush(r);
            case NOOP -> {
                respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, NO_BYTES);
                conn.flush();
            }
            case VERSION -> respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES,
                    McSettings.VERSION.getBytes(StandardCharsets.US_ASCII));
            case STAT -> stat(r);
            case SASL_LIST_MECHS, SASL_AUTH, SASL_STEP -> sasl(r);
            case CONFIG_GET -> configGet(r);
            default -> error(r.opcode(), Status.UNKNOWN_COMMAND, r.opaque());
        }
    }

    private static byte[] flagsExtras(int flags) {
        return new byte[]{(byte) (flags >>> 24), (byte) (flags >>> 16), (byte) (flags >>> 8), (byte) flags};
    }

    private void get(Request r) {
        boolean withKey = r.cmd() == GETK;
        if (java.util.Arrays.equals(r.key(), LEGACY_CONFIG_KEY)) {
            stats.cmdConfigGet.increment();
            respond(r, Status.SUCCESS, 0, flagsExtras(0), withKey ? r.key() : NO_BYTES, server.cluster().body());
            return;
        }
        Item it = store.get(r.key());
        stats.cmdGet.increment();
        (it != null ? stats.getHits : stats.getMisses).increment();
        if (it != null) {
            respond(r, Status.SUCCESS, it.cas(), flagsExtras(it.flags()), withKey ? r.key() : NO_BYTES, it.data(),
                    it.valueOffset(), it.valueLength());
        } else {
            miss(r, withKey);
        }
    }

    private void miss(Request r, boolean withKey) {
        if (r.quiet()) {
            return;
        }
        if (withKey) {
            respond(r, Status.KEY_ENOENT, 0, NO_BYTES, r.key(), NO_BYTES);
        } else {
            error(r.opcode(), Status.KEY_ENOENT, r.opaque());
        }
    }

    private void touch(Request r) {
        int exptime = server.clock().expiry(r.extraInt(0));
        Item it = store.getAndTouch(r.key(), exptime);
        stats.cmdTouch.increment();
        (it != null ? stats.touchHits : stats.touchMisses).increment();
        boolean withKey = r.cmd() == GATK;
        if (it == null) {
            miss(r, withKey);
            return;
        }
        int length = r.cmd() == TOUCH ? 0 : it.valueLength();
        respond(r, Status.SUCCESS, it.cas(), flagsExtras(it.flags()), withKey ? r.key() : NO_BYTES, it.data(),
                it.valueOffset(), length);
    }

    private void update(Request r) {
        Store.Mode mode = switch (r.cmd()) {
            case ADD -> Store.Mode.ADD;
            case REPLACE -> Store.Mode.REPLACE;
            case APPEND -> Store.Mode.APPEND;
            case PREPEND -> Store.Mode.PREPEND;
            default -> Store.Mode.SET;
        };
        int flags = 0;
        int exptime = 0;
        if (r.extras().length == 8) {
            flags = r.extraInt(0);
            exptime = server.clock().expiry(r.extraInt(4));
        }
        // A CAS value turns set/add/replace into cas, as in memcached.
        if (r.cas() != 0 && (mode == Store.Mode.SET || mode == Store.Mode.ADD || mode == Store.Mode.REPLACE)) {
            mode = Store.Mode.CAS;
        }
        stats.cmdSet.increment();
        Store.Stored s = store.store(mode, r.key(), flags, exptime, r.value(), r.cas(), false);
        if (mode == Store.Mode.CAS) {
            switch (s.status()) {
                case STORED -> stats.casHits.increment();
                case EXISTS -> stats.casBadval.increment();
                case NOT_FOUND -> stats.casMisses.increment();
                default -> { }
            }
        }
        switch (s.status()) {
            case STORED -> {
                if (!r.quiet()) {
                    respond(r, Status.SUCCESS, s.cas(), NO_BYTES, NO_BYTES, NO_BYTES);
                }
            }
            case EXISTS -> error(r.opcode(), Status.KEY_EEXISTS, r.opaque());
            case NOT_FOUND -> error(r.opcode(), Status.KEY_ENOENT, r.opaque());
            case NO_MEMORY -> {
                stats.storeNoMemory.increment();
                error(r.opcode(), Status.ENOMEM, r.opaque());
            }
            default -> error(r.opcode(), r.cmd() == ADD ? Status.KEY_EEXISTS
                    : r.cmd() == REPLACE ? Status.KEY_ENOENT : Status.NOT_STORED, r.opaque());
        }
    }

    private void delete(Request r) {
        Store.Status s = store.delete(r.key(), r.cas());
        switch (s) {
            case STORED -> {
                stats.deleteHits.increment();
                if (!r.quiet()) {
                    respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, NO_BYTES);
                }
            }
            case EXISTS -> error(r.opcode(), Status.KEY_EEXISTS, r.opaque());
            default -> {
                stats.deleteMisses.increment();
                error(r.opcode(), Status.KEY_ENOENT, r.opaque());
            }
        }
    }

    private void arithmetic(Request r) {
        boolean incr = r.cmd() == INCREMENT;
        long delta = r.extraLong(0);
        long initial = r.extraLong(8);
        long expiration = r.extraInt(16) & 0xffffffffL;
        boolean create = expiration != 0xffffffffL;
        Store.Delta d = store.delta(r.key(), incr, delta, r.cas(), create, initial,
                create ? server.clock().expiry(expiration) : 0, Store.KEEP_EXPIRY);
        switch (d.status()) {
            case STORED -> {
                if (!d.created()) {
                    (incr ? stats.incrHits : stats.decrHits).increment();
                }
                if (!r.quiet()) {
                    byte[] v = new byte[8];
                    for (int i = 0; i < 8; i++) {
                        v[i] = (byte) (d.value() >>> (56 - 8 * i));
                    }
                    respond(r, Status.SUCCESS, d.cas(), NO_BYTES, NO_BYTES, v);
                }
            }
            case NON_NUMERIC -> error(r.opcode(), Status.DELTA_BADVAL, r.opaque());
            case EXISTS -> error(r.opcode(), Status.KEY_EEXISTS, r.opaque());
            case NO_MEMORY -> error(r.opcode(), Status.ENOMEM, r.opaque());
            default -> {
                (incr ? stats.incrMisses : stats.decrMisses).increment();
                error(r.opcode(), Status.KEY_ENOENT, r.opaque());
            }
        }
    }

    private void flush(Request r) {
        stats.cmdFlush.increment();
        if (!server.settings().flushEnabled) {
            error(r.opcode(), Status.AUTH_ERROR, r.opaque());
            return;
        }
        store.flushAll(r.extras().length == 4 ? r.extraInt(0) : 0);
        if (!r.quiet()) {
            respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, NO_BYTES);
        }
    }

    /** STAT: one response per statistic (key = name, value = value), then an empty one. */
    private void stat(Request r) {
        String group = new String(r.key(), StandardCharsets.US_ASCII);
        String report;
        switch (group) {
            case "" -> report = StatsReport.general(server);
            case "reset" -> {
                stats.reset();
                store.resetStats();
                report = "END";
            }
            case "settings" -> report = StatsReport.settings(server);
            case "items" -> report = StatsReport.items(server);
            case "slabs" -> report = StatsReport.slabs(server);
            case "conns" -> report = StatsReport.conns(server);
            default -> {
                error(r.opcode(), Status.KEY_ENOENT, r.opaque());
                return;
            }
        }
        for (String line : report.split("\r\n")) {
            if (!line.startsWith("STAT ")) {
                continue;
            }
            int space = line.indexOf(' ', 5);
            byte[] name = line.substring(5, space).getBytes(StandardCharsets.US_ASCII);
            byte[] value = line.substring(space + 1).getBytes(StandardCharsets.US_ASCII);
            respond(r, Status.SUCCESS, 0, NO_BYTES, name, value);
        }
        respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, NO_BYTES);
    }

    private void sasl(Request r) {
        if (!server.settings().sasl) {
            error(r.opcode(), Status.UNKNOWN_COMMAND, r.opaque());
            return;
        }
        if (r.cmd() == SASL_LIST_MECHS) {
            respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, MECHANISMS);
            return;
        }
        stats.authCmds.increment();
        String mechanism = new String(r.key(), StandardCharsets.US_ASCII);
        if (r.cmd() == SASL_AUTH && mechanism.equals("CRAM-MD5")) {
            challenge = CramMd5.challenge();
            respond(r, Status.AUTH_CONTINUE, 0, NO_BYTES, NO_BYTES, challenge);
            return;
        }
        boolean ok;
        if (r.cmd() == SASL_AUTH) {
            ok = mechanism.equals("PLAIN") && SaslPlain.authenticate(server.saslUsers(), r.value());
        } else {
            ok = mechanism.equals("CRAM-MD5") && challenge != null
                    && CramMd5.verify(server.saslUsers(), challenge, r.value());
        }
        challenge = null;
        if (server.verbosity() > 0) {
            System.err.println("<" + conn.id() + " SASL " + mechanism + (ok ? " authenticated" : " failed"));
        }
        if (ok) {
            conn.authenticated(true);
            respond(r, Status.SUCCESS, 0, NO_BYTES, NO_BYTES, AUTHENTICATED);
        } else {
            stats.authErrors.increment();
            error(r.opcode(), Status.AUTH_ERROR, r.opaque());
        }
    }

    private void configGet(Request r) {
        if (!new String(r.key(), StandardCharsets.US_ASCII).equals("cluster")) {
            error(r.opcode(), Status.KEY_ENOENT, r.opaque());
            return;
        }
        stats.cmdConfigGet.increment();
        respond(r, Status.SUCCESS, 0, flagsExtras(0), NO_BYTES, server.cluster().body());
    }

    // ---- responses ----------------------------------------------------------------------------------------

    private void respond(Request r, Status status, long cas, byte[] extras, byte[] key, byte[] value) {
        respond(r, status, cas, extras, key, value, 0, value.length);
    }

    private void respond(Request r, Status status, long cas, byte[] extras, byte[] key, byte[] data, int offset,
                         int length) {
        ByteBuf out = conn.out();
        header(out, r.opcode(), status, key.length, extras.length, extras.length + key.length + length,
                r.opaque(), cas);
        out.writeBytes(extras);
        out.writeBytes(key);
        conn.writeValue(data, offset, length);
    }

    /** An error response: memcached's message as the body, no CAS. */
    private void error(int opcode, Status status, int opaque) {
        ByteBuf out = conn.out();
        header(out, opcode, status, 0, 0, status.message.length, opaque, 0);
        out.writeBytes(status.message);
    }

    private static void header(ByteBuf out, int opcode, Status status, int keylen, int extlen, int bodylen,
                               int opaque, long cas) {
        out.writeByte(RESPONSE_MAGIC);
        out.writeByte(opcode);
        out.writeShort(keylen);
        out.writeByte(extlen);
        out.writeByte(0);
        out.writeShort(status.code);
        out.writeInt(bodylen);
        out.writeInt(opaque);
        out.writeLong(cas);
    }
}
