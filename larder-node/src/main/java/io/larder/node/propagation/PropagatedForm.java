package io.larder.node.propagation;

import io.larder.engine.hash.HashValue;
import io.larder.engine.keyspace.Db;
import io.larder.engine.string.StringValues;
import io.larder.node.config.ServerConfig;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The commands Redis 7 logs in another form than received, rewritten from the key's state right after the
 * command ran (its stripe still held): relative and second-precision expiries become absolute milliseconds
 * (PEXPIREAT, SET ... PXAT), float increments become the value they produced, GETDEL a DEL, and a blocking pop
 * served at once its non-blocking twin. Everything else is logged as received.
 */
final class PropagatedForm {
    private static final byte[] PEXPIREAT = Propagation.bytes("PEXPIREAT");
    private static final byte[] PERSIST = Propagation.bytes("PERSIST");
    private static final byte[] SET = Propagation.bytes("SET");
    private static final byte[] PXAT = Propagation.bytes("PXAT");
    private static final byte[] KEEPTTL = Propagation.bytes("KEEPTTL");
    private static final byte[] HSET = Propagation.bytes("HSET");
    private static final byte[] DEL = Propagation.bytes("DEL");
    private static final byte[] UNLINK = Propagation.bytes("UNLINK");

    private PropagatedForm() {
    }

    /** The commands to log for this one, or null when it is logged as received (most commands: no allocation). */
    static byte[][][] of(Db db, String name, byte[][] args, ServerConfig config) {
        return switch (name) {
            case "expire", "pexpire", "expireat", "pexpireat" -> expiry(db, args, config, true);
            case "getex" -> expiry(db, args, config, false);
            case "set" -> hasRelativeExpiry(args) ? setWithExpiry(db, args) : null;
            case "setex", "psetex" -> setWithExpiry(db, new byte[][]{args[0], args[1], args[3]});
            case "getdel" -> one(DEL, args[1]);
            case "incrbyfloat" -> {
                Object v = db.get(args[1], false);
                yield v == null ? null : one(SET, args[1], StringValues.bytes(v), KEEPTTL);
            }
            case "hincrbyfloat" -> {
                byte[] v = db.get(args[1], false) instanceof HashValue h ? h.get(args[2]) : null;
                yield v == null ? null : one(HSET, args[1], args[2], v);
            }
            case "blpop", "brpop", "bzpopmin", "bzpopmax" -> args.length == 3
                    ? one(Propagation.bytes(name.substring(1).toUpperCase(Locale.ROOT)), args[1]) : null;
            case "blmove" -> one(Propagation.bytes("LMOVE"), args[1], args[2], args[3], args[4]);
            case "brpoplpush" -> one(Propagation.bytes("RPOPLPUSH"), args[1], args[2]);
            case "blmpop", "bzmpop" -> {
                byte[][] rewritten = new byte[args.length - 1][];
                rewritten[0] = Propagation.bytes(name.substring(1).toUpperCase(Locale.ROOT));
                System.arraycopy(args, 2, rewritten, 1, args.length - 2);
                yield new byte[][][]{rewritten};
            }
            default -> null;
        };
    }

    /** EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (options kept) and GETEX: PEXPIREAT of the resulting time, or the deletion. */
    private static byte[][][] expiry(Db db, byte[][] args, ServerConfig config, boolean keepOptions) {
        long at = db.expiry(args[1]);
        if (at < 0) {
            return one(config.find("lazyfree-lazy-expire").asBool() ? UNLINK : DEL, args[1]);
        }
        if (at == 0) {
            return one(PERSIST, args[1]); // GETEX PERSIST
        }
        if (!keepOptions) {
            return one(PEXPIREAT, args[1], ascii(at));
        }
        byte[][] rewritten = args.clone();
        rewritten[0] = PEXPIREAT;
        rewritten[2] = ascii(at);
        return new byte[][][]{rewritten};
    }

    /** SET with EX/PX/EXAT, SETEX, PSETEX: {@code SET key value PXAT ms}, as Redis 7 (other options dropped). */
    private static byte[][][] setWithExpiry(Db db, byte[][] args) {
        long at = db.expiry(args[1]);
        if (at <= 0) {
            return one(DEL, args[1]);
        }
        return one(SET, args[1], args[2], PXAT, ascii(at));
    }

    private static boolean hasRelativeExpiry(byte[][] args) {
        for (int i = 3; i < args.length; i++) {
            byte[] a = args[i];
            if (a.length == 2 && (eq(a, "EX") || eq(a, "PX")) || a.length == 4 && eq(a, "EXAT")) {
                return true;
            }
        }
        return false;
    }

    private static boolean eq(byte[] a, String upper) {
        return new String(a, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).equals(upper);
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][][] one(byte[]... command) {
        return new byte[][][]{command};
    }
}
