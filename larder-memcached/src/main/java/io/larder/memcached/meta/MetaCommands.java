package io.larder.memcached.meta;

import io.larder.memcached.server.McConnection;
import io.larder.memcached.server.McServer;
import io.larder.memcached.server.ServerStats;
import io.larder.memcached.store.Item;
import io.larder.memcached.store.McClock;
import io.larder.memcached.store.SlabClasses;
import io.larder.memcached.store.Store;
import io.larder.memcached.text.Numbers;
import io.larder.memcached.text.Replies;
import io.larder.memcached.text.TextProtocol;
import io.larder.memcached.text.Tokens;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The meta commands mg, ms, md, ma, mn and me, answering as memcached 1.6's proto_text.c does: two-letter
 * status codes (HD VA EN NF NS EX MN ME), return flags echoed in request order, {@code q} silencing the nominal
 * reply, stale-while-revalidate (I, R, W/X/Z) and vivify-on-miss (N). Errors are never silenced.
 */
public final class MetaCommands {
    private static final int KEY_MAX_LENGTH = 250;
    private static final int MAX_OPT_TOKENS = 20;
    private static final int MAX_OPAQUE_LENGTH = 32;

    private final TextProtocol text;
    private final McConnection conn;
    private final McServer server;
    private final Store store;
    private final ServerStats stats;
    private final McClock clock;

    public MetaCommands(TextProtocol text, McConnection conn) {
        this.text = text;
        this.conn = conn;
        this.server = conn.server();
        this.store = server.store();
        this.stats = server.stats();
        this.clock = server.clock();
    }

    public void execute(Tokens t, int ntokens) {
        switch (t.at(0, 1)) {
            case 'g' -> get(t, ntokens);
            case 's' -> set(t, ntokens);
            case 'd' -> delete(t, ntokens);
            case 'n' -> {
                text.reply("MN");
                conn.flush();
            }
            case 'a' -> arithmetic(t, ntokens);
            case 'e' -> debug(t, ntokens);
            default -> text.reply(Replies.ERROR);
        }
    }

    /** Index past the last flag token memcached looks at. */
    private static int flagsEnd(int ntokens) {
        return ntokens - 1;
    }

    private static boolean opaqueTooLong(Tokens t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.at(i, 0) == 'O' && t.len(i) > MAX_OPAQUE_LENGTH) {
                return true;
            }
        }
        return false;
    }

    private static void writeKey(ByteBuf out, byte[] key, boolean binary) {
        out.writeBytes(new byte[]{' ', 'k'});
        out.writeBytes(binary ? Base64.getEncoder().encode(key) : key);
        if (binary) {
            out.writeBytes(new byte[]{' ', 'b'});
        }
    }

    /** The flags a miss or failure still echoes: opaque and key. */
    private static void writeOpaqueAndKey(ByteBuf out, Tokens t, int from, int to, byte[] key, boolean binary) {
        for (int i = from; i < to; i++) {
            switch (t.at(i, 0)) {
                case 'O' -> {
                    out.writeByte(' ');
                    out.writeBytes(t.bytes(i));
                }
                case 'k' -> writeKey(out, key, binary);
                default -> { }
            }
        }
    }

    private static void writeTtl(ByteBuf out, int exptime, int now) {
        out.writeBytes(new byte[]{' ', 't'});
        if (exptime == 0) {
            out.writeBytes(new byte[]{'-', '1'});
        } else {
            Numbers.writeUnsigned(out, (exptime - now) & 0xffffffffL);
        }
    }

    // ---- mg -----------------------------------------------------------------------------------------------

    private void get(Tokens t, int ntokens) {
        if (ntokens < 3) {
            text.reply(Replies.ERROR);
            return;
        }
        if (t.len(1) > KEY_MAX_LENGTH) {
            text.error("CLIENT_ERROR bad command line format");
            return;
        }
        if (ntokens > MAX_OPT_TOKENS) {
            text.error("CLIENT_ERROR options flags are too long");
            return;
        }
        MetaFlags of = new MetaFlags();
        int end = flagsEnd(ntokens);
        if (!of.parse(t, 2, end, clock)) {
            text.error(of.error);
            return;
        }
        if (opaqueTooLong(t, 2, end)) {
            text.error("CLIENT_ERROR opaque token too long");
            return;
        }
        boolean quiet = of.noReply;
        ByteBuf out = conn.out();
        boolean hit = store.access(of.key, a -> {
            Item it = a.item();
            boolean created = false;
            if (it == null && of.vivify) {
                Item fresh = a.newItem(new byte[0], 0, 0);
                if (a.link(fresh)) {
                    it = fresh;
                    created = true;
                }
            }
            if (it == null) {
                return false;
            }
            int now = a.now();
            boolean won = false;
            boolean ttlSet = false;
            if (of.value) {
                out.writeBytes(new byte[]{'V', 'A', ' '});
                Numbers.writeUnsigned(out, it.valueLength());
            } else {
                out.writeBytes(new byte[]{'H', 'D'});
            }
            for (int i = 2; i < end; i++) {
                switch (t.at(i, 0)) {
                    case 'T' -> {
                        ttlSet = true;
                        it.exptime(of.exptime);
                    }
                    case 'N' -> {
                        if (created) {
                            it.exptime(of.autovivExptime);
                            won = true;
                        }
                    }
                    case 'R' -> {
                        if (!it.tokenSent() && !created && it.exptime() != 0 && it.exptime() < of.recacheTime) {
                            won = true;
                        }
                    }
                    case 's' -> {
                        out.writeBytes(new byte[]{' ', 's'});
                        Numbers.writeUnsigned(out, it.valueLength());
                    }
                    case 't' -> writeTtl(out, it.exptime(), now);
                    case 'c' -> {
                        out.writeBytes(new byte[]{' ', 'c'});
                        Numbers.writeUnsigned(out, it.cas());
                    }
                    case 'f' -> {
                        out.writeBytes(new byte[]{' ', 'f'});
                        Numbers.writeUnsigned(out, it.flags() & 0xffffffffL);
                    }
                    case 'l' -> {
                        out.writeBytes(new byte[]{' ', 'l'});
                        Numbers.writeUnsigned(out, (now - it.time()) & 0xffffffffL);
                    }
                    case 'h' -> out.writeBytes(new byte[]{' ', 'h', (byte) (it.fetched() ? '1' : '0')});
                    case 'O' -> {
                        out.writeByte(' ');
                        out.writeBytes(t.bytes(i));
                    }
                    case 'k' -> writeKey(out, it.key(), it.keyBinary());
                    default -> { }
                }
            }
            if (it.tokenSent()) {
                out.writeBytes(new byte[]{' ', 'Z'});
            }
            if (it.stale()) {
                out.writeBytes(new byte[]{' ', 'X'});
                if (!it.tokenSent()) {
                    won = true;
                }
            }
            if (won) {
                out.writeBytes(new byte[]{' ', 'W'});
                it.markTokenSent();
            }
            out.writeBytes(Replies.CRLF);
            if (of.value) {
                out.writeBytes(it.data(), it.valueOffset(), it.valueLength());
                out.writeBytes(Replies.CRLF);
            }
            if (!of.noUpdate) {
                a.bump(it);
            }
            if (ttlSet) {
                stats.cmdTouch.increment();
                stats.touchHits.increment();
            } else {
                stats.cmdGet.increment();
                stats.getHits.increment();
            }
            return true;
        });
        if (!hit) {
            if (of.newTtl) {
                stats.cmdTouch.increment();
                stats.touchMisses.increment();
            } else {
                stats.cmdGet.increment();
                stats.getMisses.increment();
            }
            if (!quiet) {
                out.writeBytes(new byte[]{'E', 'N'});
                writeOpaqueAndKey(out, t, 2, end, of.key, of.keyBinary);
                out.writeBytes(Replies.CRLF);
            }
        }
    }

    // ---- ms -----------------------------------------------------------------------------------------------

    private void set(Tokens t, int ntokens) {
        if (ntokens < 3) {
            text.reply(Replies.ERROR);
            return;
        }
        if (t.len(1) > KEY_MAX_LENGTH || ntokens == 3) {
            text.error("CLIENT_ERROR bad command line format");
            return;
        }
        if (ntokens > MAX_OPT_TOKENS) {
            text.error("CLIENT_ERROR options flags too long");
            return;
        }
        long vlen = t.strtol(2);
        if (vlen == io.larder.memcached.store.Ascii.INVALID || vlen < 0 || vlen > Integer.MAX_VALUE - 2) {
            text.error("CLIENT_ERROR bad command line format");
            return;
        }
        MetaFlags of = new MetaFlags();
        int end = flagsEnd(ntokens);
        if (!of.parse(t, 3, end, clock)) {
            failSet(of.error, vlen);
            return;
        }
        if (opaqueTooLong(t, 3, end)) {
            failSet("CLIENT_ERROR opaque token too long", vlen);
            return;
        }
        Store.Mode mode;
        switch (of.mode) {
            case 0, 'S', 's' -> mode = Store.Mode.SET;
            case 'E', 'e' -> mode = Store.Mode.ADD;
            case 'A', 'a' -> mode = Store.Mode.APPEND;
            case 'P', 'p' -> mode = Store.Mode.PREPEND;
            case 'R', 'r' -> mode = Store.Mode.REPLACE;
            default -> {
                failSet("CLIENT_ERROR invalid mode for ms M token", vlen);
                return;
            }
        }
        if (of.hasCas && (mode == Store.Mode.SET || mode == Store.Mode.REPLACE)) {
            mode = Store.Mode.CAS;
        }
        byte[] key = of.key;
        if (!store.fits(key.length, of.clientFlags, vlen)) {
            stats.storeTooLarge.increment();
            store.delete(key, 0);
            failSet("SERVER_ERROR object too large for cache", vlen);
            return;
        }
        // Remember which return flags to echo, in request order, for after the data arrives.
        byte[][] echo = new byte[end - 3][];
        for (int i = 3; i < end; i++) {
            byte f = t.at(i, 0);
            echo[i - 3] = f == 'O' ? t.bytes(i) : f == 'k' || f == 'c' ? new byte[]{f} : null;
        }
        Store.Mode storeMode = mode;
        text.expectData(new TextProtocol.DataBlock((int) vlen, (data, terminated) -> {
            stats.cmdSet.increment();
            if (!terminated) {
                text.error("CLIENT_ERROR bad data chunk");
                return;
            }
            long casIn = of.hasCas ? of.reqCas : 0;
            Store.Stored r = store.store(storeMode, key, of.clientFlags, of.exptime, data, casIn, of.keyBinary,
                    of.setStale && storeMode == Store.Mode.CAS);
            if (storeMode == Store.Mode.CAS) {
                stats.countCas(r.status());
            }
            String code = switch (r.status()) {
                case STORED -> "HD";
                case EXISTS -> "EX";
                case NOT_FOUND -> "NF";
                case NOT_STORED, TOO_LARGE -> "NS";
                default -> null;
            };
            if (code == null) {
                stats.storeNoMemory.increment();
                text.error("SERVER_ERROR out of memory storing object");
                return;
            }
            if (r.status() == Store.Status.STORED && of.noReply) {
                return;
            }
            ByteBuf out = conn.out();
            out.writeCharSequence(code, StandardCharsets.US_ASCII);
            for (byte[] e : echo) {
                if (e == null) {
                    continue;
                }
                if (e.length == 1 && e[0] == 'k') {
                    writeKey(out, key, of.keyBinary);
                } else if (e.length == 1 && e[0] == 'c') {
                    out.writeBytes(new byte[]{' ', 'c'});
                    Numbers.writeUnsigned(out, r.cas());
                } else {
                    out.writeByte(' ');
                    out.writeBytes(e);
                }
            }
            out.writeBytes(Replies.CRLF);
        }));
    }

    /** An ms error after the length is known: the error, and the data block is skipped. */
    private void failSet(String error, long vlen) {
        text.error(error);
        text.swallow(vlen + 2);
    }

    // ---- md -----------------------------------------------------------------------------------------------

    private void delete(Tokens t, int ntokens) {
        if (ntokens < 3) {
            text.reply(Replies.ERROR);
            return;
        }
        if (t.len(1) > KEY_MAX_LENGTH) {
            text.reply("CLIENT_ERROR bad command line format");
            return;
        }
        if (ntokens > MAX_OPT_TOKENS) {
            text.reply("CLIENT_ERROR options flags too long");
            return;
        }
        MetaFlags of = new MetaFlags();
        int end = flagsEnd(ntokens);
        if (!of.parse(t, 2, end, clock)) {
            text.error("CLIENT_ERROR invalid or duplicate flag");
            return;
        }
        if (opaqueTooLong(t, 2, end)) {
            text.error("CLIENT_ERROR opaque token too long");
            return;
        }
        String code = store.access(of.key, a -> {
            Item it = a.item();
            if (it == null) {
                stats.deleteMisses.increment();
                return "NF";
            }
            if (of.hasCas && it.cas() != of.reqCas) {
                stats.deleteMisses.increment();
                return "EX";
            }
            if (of.setStale) {
                if (of.newTtl) {
                    it.exptime(of.exptime);
                }
                it.markStale();
                a.renewCas(it);
            } else {
                stats.deleteHits.increment();
                a.unlink(it);
            }
            return "HD";
        });
        if (code.equals("HD") && of.noReply) {
            return;
        }
        ByteBuf out = conn.out();
        out.writeCharSequence(code, StandardCharsets.US_ASCII);
        writeOpaqueAndKey(out, t, 2, end, of.key, of.keyBinary);
        out.writeBytes(Replies.CRLF);
    }

    // ---- ma -----------------------------------------------------------------------------------------------

    private void arithmetic(Tokens t, int ntokens) {
        if (ntokens < 3) {
            text.reply(Replies.ERROR);
            return;
        }
        if (t.len(1) > KEY_MAX_LENGTH) {
            text.reply("CLIENT_ERROR bad command line format");
            return;
        }
        if (ntokens > MAX_OPT_TOKENS) {
            text.reply("CLIENT_ERROR options flags too long");
            return;
        }
        MetaFlags of = new MetaFlags();
        int end = flagsEnd(ntokens);
        if (!of.parse(t, 2, end, clock)) {
            text.error("CLIENT_ERROR invalid or duplicate flag");
            return;
        }
        boolean incr;
        switch (of.mode) {
            case 0, 'I', 'i', '+' -> incr = true;
            case 'D', 'd', '-' -> incr = false;
            default -> {
                text.error("CLIENT_ERROR invalid mode for ma M token");
                return;
            }
        }
        if (opaqueTooLong(t, 2, end)) {
            text.error("CLIENT_ERROR opaque token too long");
            return;
        }
        Store.Delta d = store.delta(of.key, incr, of.delta, of.hasCas ? of.reqCas : 0, of.vivify, of.initial, 0,
                Store.KEEP_EXPIRY);
        ByteBuf out = conn.out();
        switch (d.status()) {
            case NON_NUMERIC -> {
                text.error("CLIENT_ERROR cannot increment or decrement non-numeric value");
                return;
            }
            case NO_MEMORY -> {
                text.error("SERVER_ERROR out of memory");
                return;
            }
            case NOT_FOUND, EXISTS -> {
                if (d.status() == Store.Status.NOT_FOUND) {
                    (incr ? stats.incrMisses : stats.decrMisses).increment();
                }
                out.writeCharSequence(d.status() == Store.Status.NOT_FOUND ? "NF" : "EX", StandardCharsets.US_ASCII);
                writeOpaqueAndKey(out, t, 2, end, of.key, of.keyBinary);
                out.writeBytes(Replies.CRLF);
                return;
            }
            default -> { }
        }
        if (!d.created()) {
            (incr ? stats.incrHits : stats.decrHits).increment();
        }
        int exptime = d.exptime();
        int now = clock.now();
        ByteBuf line = out.alloc().buffer(64);
        try {
            byte[] digits = Long.toUnsignedString(d.value()).getBytes(StandardCharsets.US_ASCII);
            if (of.value) {
                line.writeBytes(new byte[]{'V', 'A', ' '});
                Numbers.writeUnsigned(line, digits.length);
            } else {
                line.writeBytes(new byte[]{'H', 'D'});
            }
            for (int i = 2; i < end; i++) {
                switch (t.at(i, 0)) {
                    case 'c' -> {
                        line.writeBytes(new byte[]{' ', 'c'});
                        Numbers.writeUnsigned(line, d.cas());
                    }
                    case 't' -> writeTtl(line, exptime, now);
                    case 'T' -> exptime = of.exptime;
                    case 'N' -> {
                        if (d.created()) {
                            exptime = of.autovivExptime;
                        }
                    }
                    case 'O' -> {
                        line.writeByte(' ');
                        line.writeBytes(t.bytes(i));
                    }
                    case 'k' -> writeKey(line, of.key, of.keyBinary);
                    default -> { }
                }
            }
            if (of.value) {
                line.writeBytes(Replies.CRLF);
                line.writeBytes(digits);
            }
            line.writeBytes(Replies.CRLF);
            if (exptime != d.exptime()) {
                store.touch(of.key, exptime);
            }
            if (!(of.noReply && !d.created())) {
                out.writeBytes(line);
            }
        } finally {
            line.release();
        }
    }

    // ---- me -----------------------------------------------------------------------------------------------

    private void debug(Tokens t, int ntokens) {
        if (ntokens < 3 || t.len(1) > KEY_MAX_LENGTH) {
            text.reply("CLIENT_ERROR bad command line format");
            return;
        }
        byte[] key = t.bytes(1);
        if (ntokens >= 4 && t.len(2) == 1 && t.at(2, 0) == 'b') {
            key = MetaFlags.decode(key);
            if (key == null) {
                text.reply("CLIENT_ERROR bad command line format");
                return;
            }
        }
        stats.cmdMeta.increment();
        SlabClasses classes = new SlabClasses(server.settings().chunkSize, server.settings().growthFactor,
                server.settings().slabChunkMax);
        boolean useCas = store.useCas();
        String line = store.access(key, a -> {
            Item it = a.item();
            if (it == null) {
                return null;
            }
            int now = a.now();
            int size = it.totalSize(useCas);
            String shownKey = it.keyBinary() ? Base64.getEncoder().encodeToString(it.key())
                    : new String(it.key(), StandardCharsets.ISO_8859_1);
            return "ME " + shownKey + " exp=" + (it.exptime() == 0 ? -1 : now - it.exptime())
                    + " la=" + Integer.toUnsignedString(now - it.time()) + " cas=" + Long.toUnsignedString(it.cas())
                    + " fetch=" + (it.fetched() ? "yes" : "no") + " cls=" + classes.classOf(size) + " size=" + size;
        });
        text.reply(line == null ? "EN" : line);
    }
}
