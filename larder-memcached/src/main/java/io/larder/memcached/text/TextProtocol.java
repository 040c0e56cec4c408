package io.larder.memcached.text;

import io.larder.memcached.discovery.ClusterConfig;
import io.larder.memcached.meta.MetaCommands;
import io.larder.memcached.server.McConnection;
import io.larder.memcached.server.McServer;
import io.larder.memcached.server.McSettings;
import io.larder.memcached.server.Protocol;
import io.larder.memcached.server.ServerStats;
import io.larder.memcached.server.StatsReport;
import io.larder.memcached.store.Ascii;
import io.larder.memcached.store.Item;
import io.larder.memcached.store.Store;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * memcached's text protocol, command for command as proto_text.c answers: the same token-count checks
 * ({@code ERROR}), the same error lines, {@code noreply} silencing every reply of the command it ends, and the
 * same handling of data blocks (a bad terminator is {@code CLIENT_ERROR bad data chunk}; a refused item's data
 * is swallowed). Meta commands (two-letter names starting with 'm') go to {@link MetaCommands}.
 */
public final class TextProtocol implements Protocol {
    static final int KEY_MAX_LENGTH = 250;
    /** Without a newline in this many bytes the line can only be a long multi-get; anything else is garbage. */
    private static final int LINE_LIMIT = 2048;
    /** Even a multi-get's line has to end somewhere. */
    private static final int MULTIGET_LINE_LIMIT = 8 * 1024 * 1024;
    private static final byte[] LEGACY_CONFIG_KEY = ClusterConfig.LEGACY_KEY.getBytes(StandardCharsets.US_ASCII);

    /**
     * The payload after a request line (a storage command's data or an ASCII authentication token) of
     * {@code length} bytes, and what to do with it once it is complete.
     */
    public record DataBlock(int length, Completion then) {
    }

    @FunctionalInterface
    public interface Completion {
        /** Called with the data (without its terminator); {@code terminated} = CRLF seen. */
        void complete(byte[] data, boolean terminated);
    }

    private final McConnection conn;
    private final McServer server;
    private final Store store;
    private final ServerStats stats;
    private final MetaCommands meta;
    private final AdminCommands admin;
    private final Tokens t = new Tokens();
    private byte[] line = new byte[1024];
    private boolean noreply;
    private DataBlock pending;
    private long swallow;

    public TextProtocol(McConnection conn) {
        this.conn = conn;
        this.server = conn.server();
        this.store = server.store();
        this.stats = server.stats();
        this.meta = new MetaCommands(this, conn);
        this.admin = new AdminCommands(this, server);
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
            if (pending != null) {
                int len = pending.length();
                if (in.readableBytes() < (long) len + 2) {
                    return;
                }
                byte[] data = new byte[len];
                in.readBytes(data);
                boolean terminated = in.readByte() == '\r' & in.readByte() == '\n';
                DataBlock block = pending;
                pending = null;
                block.then().complete(data, terminated);
                noreply = false;
                continue;
            }
            int lf = in.forEachByte(ByteProcessor.FIND_LF);
            if (lf < 0) {
                if (in.readableBytes() > LINE_LIMIT && !longGetLine(in)) {
                    conn.abort();
                }
                return;
            }
            int start = in.readerIndex();
            int len = lf - start;
            if (len > 1 && in.getByte(lf - 1) == '\r') {
                len--;
            }
            if (line.length < len) {
                line = new byte[Math.max(len, line.length * 2)];
            }
            in.getBytes(start, line, 0, len);
            in.readerIndex(lf + 1);
            if (server.verbosity() > 1) {
                System.err.println("<" + conn.id() + " " + new String(line, 0, len, StandardCharsets.ISO_8859_1));
            }
            if (server.asciiUsers() != null && !conn.authenticated()) {
                authenticate(len);
            } else {
                execute(len);
            }
            if (pending == null) {
                noreply = false;
            }
        }
    }

    /** A long line without a newline yet: only get/gets may be that long (memcached's rule), up to a bound. */
    private boolean longGetLine(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end && in.getByte(i) == ' ') {
            i++;
        }
        if (i - in.readerIndex() > 100 || in.readableBytes() > MULTIGET_LINE_LIMIT) {
            return false;
        }
        return startsWith(in, i, "get ") || startsWith(in, i, "gets ");
    }

    private static boolean startsWith(ByteBuf in, int at, String prefix) {
        if (in.writerIndex() - at < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (in.getByte(at + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    // ---- replies ----------------------------------------------------------------------------------------

    /** memcached's out_string: the line, unless the command said noreply. */
    public void reply(byte[] crlfLine) {
        if (noreply) {
            noreply = false;
            return;
        }
        conn.out().writeBytes(crlfLine);
    }

    public void reply(String text) {
        if (noreply) {
            noreply = false;
            return;
        }
        ByteBuf out = conn.out();
        out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        out.writeBytes(Replies.CRLF);
    }

    /** memcached's out_errstring: errors are never silenced. */
    public void error(String text) {
        noreply = false;
        reply(text);
    }

    public void expectData(DataBlock block) {
        pending = block;
    }

    public void swallow(long bytes) {
        swallow = bytes;
    }

    // ---- dispatch (process_command_ascii) -----------------------------------------------------------------

    private void execute(int len) {
        t.split(line, len);
        int ntokens = t.ntokens();
        if (ntokens < 2 || t.len(0) < 2) {
            reply(Replies.ERROR);
            return;
        }
        byte first = t.at(0, 0);
        if (first == 'm' && t.len(0) == 2) {
            meta.execute(t, ntokens);
            return;
        }
        // The common commands first, without making a String of the name.
        if (t.is(0, "get")) {
            if (ntokens < 3) {
                reply(Replies.ERROR);
            } else {
                get(false, false);
            }
            return;
        }
        if (t.is(0, "set")) {
            update(ntokens, Store.Mode.SET);
            return;
        }
        switch (t.string(0)) {
            case "get", "bget" -> {
                if (ntokens < 3) {
                    reply(Replies.ERROR);
                } else {
                    get(false, false);
                }
            }
            case "gets" -> getIf(ntokens, true, false);
            case "gat" -> getIf(ntokens, false, true);
            case "gats" -> getIf(ntokens, true, true);
            case "set" -> update(ntokens, Store.Mode.SET);
            case "add" -> update(ntokens, Store.Mode.ADD);
            case "replace" -> update(ntokens, Store.Mode.REPLACE);
            case "append" -> update(ntokens, Store.Mode.APPEND);
            case "prepend" -> update(ntokens, Store.Mode.PREPEND);
            case "cas" -> update(ntokens, Store.Mode.CAS);
            case "incr" -> arithmetic(ntokens, true);
            case "decr" -> arithmetic(ntokens, false);
            case "delete" -> delete(ntokens);
            case "touch" -> touch(ntokens);
            case "stats" -> stats(ntokens);
            case "flush_all" -> flushAll(ntokens);
            case "version" -> reply("VERSION " + McSettings.VERSION);
            case "quit" -> conn.closeAfterWrite();
            case "verbosity" -> verbosity(ntokens);
            case "shutdown" -> shutdown(ntokens);
            case "cache_memlimit" -> cacheMemlimit(ntokens);
            case "config" -> config(ntokens);
            case "refresh_certs" -> refreshCerts(ntokens);
            case "slabs" -> admin.slabs(t, ntokens);
            case "lru_crawler" -> admin.lruCrawler(t, ntokens);
            case "lru" -> {
                if (ntokens < 3) {
                    reply(Replies.ERROR);
                } else {
                    admin.lru(t, ntokens);
                }
            }
            default -> reply(Replies.ERROR);
        }
    }

    private void getIf(int ntokens, boolean withCas, boolean touch) {
        if (ntokens < 3) {
            reply(Replies.ERROR);
            return;
        }
        get(withCas, touch);
    }

    void noreplyFromLastToken(int ntokens) {
        noreplyMaybe(ntokens);
    }

    /** memcached's set_noreply_maybe: a last token "noreply" silences the command. */
    private boolean noreplyMaybe(int ntokens) {
        if (t.is(ntokens - 2, "noreply")) {
            noreply = true;
        }
        return noreply;
    }

    // ---- retrieval ----------------------------------------------------------------------------------------

    private void get(boolean withCas, boolean touch) {
        int firstKey = 1;
        int exptime = 0;
        if (touch) {
            long e = t.strtol(1);
            if (e == Ascii.INVALID) {
                reply(Replies.INVALID_EXPTIME);
                return;
            }
            exptime = server.clock().expiry(e);
            firstKey = 2;
        }
        // memcached drops the whole reply when a key is too long; check before writing anything.
        for (int i = firstKey; i < t.count; i++) {
            if (t.len(i) > KEY_MAX_LENGTH) {
                reply(Replies.BAD_FORMAT);
                return;
            }
        }
        ByteBuf out = conn.out();
        for (int i = firstKey; i < t.count; i++) {
            byte[] key = t.bytes(i);
            if (!touch && java.util.Arrays.equals(key, LEGACY_CONFIG_KEY)) {
                stats.cmdConfigGet.increment();
                byte[] body = server.cluster().body();
                writeValue(out, key, 0, body, 0, body.length, withCas, 0);
                out = conn.out();
                continue;
            }
            Item it = touch ? store.getAndTouch(key, exptime) : store.get(key);
            if (touch) {
                stats.cmdTouch.increment();
                (it != null ? stats.touchHits : stats.touchMisses).increment();
            } else {
                stats.cmdGet.increment();
                (it != null ? stats.getHits : stats.getMisses).increment();
            }
            if (it != null) {
                writeValue(out, key, it.flags(), it.data(), it.valueOffset(), it.valueLength(), withCas, it.cas());
                out = conn.out();
            }
        }
        conn.out().writeBytes(Replies.END);
    }

    private void writeValue(ByteBuf out, byte[] key, int flags, byte[] data, int offset, int length,
                            boolean withCas, long cas) {
        out.writeBytes(Replies.VALUE);
        out.writeBytes(key);
        out.writeByte(' ');
        Numbers.writeUnsigned(out, flags & 0xffffffffL);
        out.writeByte(' ');
        Numbers.writeUnsigned(out, length);
        if (withCas) {
            out.writeByte(' ');
            Numbers.writeUnsigned(out, cas);
        }
        out.writeBytes(Replies.CRLF);
        conn.writeValue(data, offset, length);
        conn.out().writeBytes(Replies.CRLF);
    }

    // ---- storage ------------------------------------------------------------------------------------------

    private void update(int ntokens, Store.Mode mode) {
        boolean cas = mode == Store.Mode.CAS;
        if (cas ? ntokens != 7 && ntokens != 8 : ntokens != 6 && ntokens != 7) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        if (t.len(1) > KEY_MAX_LENGTH) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        long flags = t.strtoul(2);
        long exptime = flags == Ascii.INVALID ? Ascii.INVALID : t.strtol(3);
        long vlen = exptime == Ascii.INVALID ? Ascii.INVALID : t.strtol(4);
        if (vlen == Ascii.INVALID) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        long casIn = 0;
        if (cas) {
            casIn = t.strtoull(5);
            if (casIn == Ascii.INVALID) {
                reply(Replies.BAD_FORMAT);
                return;
            }
        }
        if (vlen < 0 || vlen > Integer.MAX_VALUE - 2) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        byte[] key = t.bytes(1);
        int intFlags = (int) flags;
        int expiry = server.clock().expiry(exptime);
        if (!store.fits(key.length, intFlags, vlen)) {
            stats.storeTooLarge.increment();
            reply(Replies.TOO_LARGE);
            swallow = vlen + 2;
            if (mode == Store.Mode.SET) {
                store.delete(key, 0);
            }
            return;
        }
        long expectedCas = casIn;
        expectStorageData((int) vlen, stats.cmdSet, data -> {
            Store.Stored r = store.store(mode, key, intFlags, expiry, data, expectedCas, false);
            if (mode == Store.Mode.CAS) {
                stats.countCas(r.status());
            }
            reply(storeReply(r.status()));
        });
    }

    /**
     * Awaits a storage-like command's data: the noreply of its request line applies to the reply, the command
     * is counted, and data not ended by CRLF gets memcached's bad-chunk error instead of being stored.
     */
    private void expectStorageData(int length, LongAdder counter, Consumer<byte[]> store) {
        boolean quiet = noreply;
        pending = new DataBlock(length, (data, terminated) -> {
            noreply = quiet;
            counter.increment();
            if (terminated) {
                store.accept(data);
            } else {
                reply(Replies.BAD_CHUNK);
            }
        });
    }

    public byte[] storeReply(Store.Status status) {
        return switch (status) {
            case STORED -> Replies.STORED;
            case EXISTS -> Replies.EXISTS;
            case NOT_FOUND -> Replies.NOT_FOUND;
            case NO_MEMORY -> {
                stats.storeNoMemory.increment();
                yield Replies.NO_MEMORY;
            }
            // An append that would outgrow the item size limit fails to allocate: memcached says NOT_STORED.
            default -> Replies.NOT_STORED;
        };
    }

    // ---- other commands -----------------------------------------------------------------------------------

    private void arithmetic(int ntokens, boolean incr) {
        if (ntokens != 4 && ntokens != 5) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        if (t.len(1) > KEY_MAX_LENGTH) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        long delta = t.strtoull(2);
        if (delta == Ascii.INVALID) {
            reply(Replies.INVALID_DELTA);
            return;
        }
        Store.Delta d = store.delta(t.bytes(1), incr, delta, 0, false, 0, 0, Store.KEEP_EXPIRY);
        switch (d.status()) {
            case STORED -> {
                (incr ? stats.incrHits : stats.decrHits).increment();
                reply(Long.toUnsignedString(d.value()));
            }
            case NON_NUMERIC -> reply(Replies.NON_NUMERIC);
            case NO_MEMORY -> reply(Replies.OUT_OF_MEMORY);
            default -> {
                (incr ? stats.incrMisses : stats.decrMisses).increment();
                reply(Replies.NOT_FOUND);
            }
        }
    }

    private void delete(int ntokens) {
        if (ntokens < 3 || ntokens > 5) {
            reply(Replies.ERROR);
            return;
        }
        if (ntokens > 3) {
            boolean holdIsZero = t.is(2, "0");
            boolean setsNoreply = noreplyMaybe(ntokens);
            boolean valid = (ntokens == 4 && (holdIsZero || setsNoreply))
                    || (ntokens == 5 && holdIsZero && setsNoreply);
            if (!valid) {
                reply(Replies.DELETE_USAGE);
                return;
            }
        }
        if (t.len(1) > KEY_MAX_LENGTH) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        if (store.delete(t.bytes(1), 0) == Store.Status.STORED) {
            stats.deleteHits.increment();
            reply(Replies.DELETED);
        } else {
            stats.deleteMisses.increment();
            reply(Replies.NOT_FOUND);
        }
    }

    private void touch(int ntokens) {
        if (ntokens != 4 && ntokens != 5) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        if (t.len(1) > KEY_MAX_LENGTH) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        long e = t.strtol(2);
        if (e == Ascii.INVALID) {
            reply(Replies.INVALID_EXPTIME);
            return;
        }
        boolean hit = store.touch(t.bytes(1), server.clock().expiry(e));
        stats.cmdTouch.increment();
        (hit ? stats.touchHits : stats.touchMisses).increment();
        reply(hit ? Replies.TOUCHED : Replies.NOT_FOUND);
    }

    private void flushAll(int ntokens) {
        if (ntokens < 2 || ntokens > 4) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        stats.cmdFlush.increment();
        if (!server.settings().flushEnabled) {
            reply("CLIENT_ERROR flush_all not allowed");
            return;
        }
        long delay = 0;
        if (ntokens != (noreply ? 3 : 2)) {
            delay = t.strtol(1);
            if (delay == Ascii.INVALID) {
                reply(Replies.INVALID_EXPTIME);
                return;
            }
        }
        store.flushAll(delay);
        reply(Replies.OK);
    }

    private void verbosity(int ntokens) {
        if (ntokens != 3 && ntokens != 4) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        long level = t.strtoul(1);
        if (level == Ascii.INVALID) {
            reply(Replies.BAD_FORMAT);
            return;
        }
        server.verbosity((int) Math.min(level, 2));
        reply(Replies.OK);
    }

    private void shutdown(int ntokens) {
        if (!server.settings().shutdownCommand) {
            reply("ERROR: shutdown not enabled");
        } else if (ntokens == 2 || (ntokens == 3 && t.is(1, "graceful"))) {
            conn.closeAfterWrite();
            server.shutdown();
        } else {
            reply("CLIENT_ERROR invalid shutdown mode");
        }
    }

    /** Reloads the TLS files; an error is written even with noreply, as memcached does. */
    private void refreshCerts(int ntokens) {
        noreplyMaybe(ntokens);
        String error = server.refreshCerts();
        if (error == null) {
            reply("OK");
        } else {
            error(error);
        }
    }

    private void cacheMemlimit(int ntokens) {
        if (ntokens != 3 && ntokens != 4) {
            reply(Replies.ERROR);
            return;
        }
        noreplyMaybe(ntokens);
        long mb = t.strtoul(1);
        if (mb == Ascii.INVALID) {
            reply(Replies.ERROR);
        } else if (mb < 8) {
            reply("MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m");
        } else if (mb > 1_000_000_000) {
            reply("MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes");
        } else {
            store.maxBytes(mb * 1024 * 1024);
            reply(Replies.OK);
        }
    }

    private void stats(int ntokens) {
        if (ntokens == 2) {
            reply(StatsReport.general(server));
            return;
        }
        String sub = t.string(1);
        switch (sub) {
            case "reset" -> {
                stats.reset();
                store.resetStats();
                reply(Replies.RESET);
            }
            case "detail" -> {
                String arg = ntokens < 4 ? "" : t.string(2);
                switch (arg) {
                    case "on", "off" -> reply(Replies.OK);
                    case "dump" -> reply(Replies.END);
                    default -> reply("CLIENT_ERROR usage: stats detail on|off|dump");
                }
            }
            case "settings" -> reply(StatsReport.settings(server));
            case "items" -> reply(StatsReport.items(server));
            case "slabs" -> reply(StatsReport.slabs(server));
            case "sizes" -> reply("STAT sizes_status disabled\r\nEND");
            case "conns" -> reply(StatsReport.conns(server));
            case "cachedump" -> {
                if (ntokens < 5) {
                    reply("CLIENT_ERROR bad command line");
                } else if (t.strtoul(2) == Ascii.INVALID || t.strtoul(3) == Ascii.INVALID) {
                    reply(Replies.BAD_FORMAT);
                } else {
                    reply(Replies.END);
                }
            }
            default -> reply(Replies.ERROR);
        }
    }

    // ---- ElastiCache auto discovery ----------------------------------------------------------------------

    /**
     * {@code config get cluster} answers like ElastiCache; {@code config set cluster <token> <bytes> [noreply]}
     * followed by a data block of {@code host|ip|port} entries replaces the node list (bumping its version) when
     * the token matches the node's {@code -o discovery_token}.
     */
    private void config(int ntokens) {
        if (ntokens >= 4 && t.is(1, "get")) {
            if (!t.is(2, "cluster")) {
                reply(Replies.ERROR);
                return;
            }
            stats.cmdConfigGet.increment();
            byte[] body = server.cluster().body();
            ByteBuf out = conn.out();
            out.writeCharSequence("CONFIG cluster 0 " + body.length + "\r\n", StandardCharsets.US_ASCII);
            out.writeBytes(body);
            out.writeBytes(Replies.CRLF);
            out.writeBytes(Replies.END);
            return;
        }
        if ((ntokens == 6 || ntokens == 7) && t.is(1, "set") && t.is(2, "cluster")) {
            noreplyMaybe(ntokens);
            long vlen = t.strtol(4);
            if (vlen == Ascii.INVALID || vlen < 0 || vlen > 1024 * 1024) {
                reply(Replies.BAD_FORMAT);
                return;
            }
            String expected = server.settings().discoveryToken;
            boolean authorised = expected != null && java.security.MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.UTF_8), t.bytes(3));
            expectStorageData((int) vlen, stats.cmdConfigSet, data -> {
                if (!authorised) {
                    error(expected == null ? "CLIENT_ERROR config set is disabled (no discovery_token)"
                            : "CLIENT_ERROR authentication failure");
                    return;
                }
                String problem = server.cluster().set(new String(data, StandardCharsets.US_ASCII));
                if (problem != null) {
                    error("CLIENT_ERROR " + problem);
                } else {
                    reply(Replies.STORED);
                }
            });
            return;
        }
        reply(Replies.ERROR);
    }

    // ---- ASCII authentication (-Y) ------------------------------------------------------------------------

    /** memcached's try_read_command_asciiauth: "set <any> <any> <any> <len>" then "user pass". */
    private void authenticate(int len) {
        t.split(line, len);
        long size = t.ntokens() < 6 || !t.is(0, "set") ? Ascii.INVALID : t.strtoul(4);
        if (size == Ascii.INVALID) {
            reply("CLIENT_ERROR unauthenticated");
            return;
        }
        pending = new DataBlock((int) size, (data, terminated) -> {
            if (!terminated) {
                reply("CLIENT_ERROR bad command line termination");
                return;
            }
            Tokens credentials = new Tokens();
            credentials.split(data, data.length);
            if (credentials.count < 2) {
                reply("CLIENT_ERROR bad authentication token format");
                return;
            }
            stats.authCmds.increment();
            if (server.asciiUsers().check(credentials.string(0), credentials.bytes(1))) {
                conn.authenticated(true);
                reply(Replies.STORED);
            } else {
                stats.authErrors.increment();
                reply("CLIENT_ERROR authentication failure");
            }
        });
    }
}
