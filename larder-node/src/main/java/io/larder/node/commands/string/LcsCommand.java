package io.larder.node.commands.string;

import io.larder.engine.keyspace.Db;
import io.larder.engine.string.Lcs;
import io.larder.engine.string.StringValues;
import io.larder.engine.util.Numbers;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.util.List;

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]; missing keys count as empty strings. */
final class LcsCommand {
    private static final byte[] EMPTY = new byte[0];

    private LcsCommand() {
    }

    private record Options(boolean len, boolean idx, boolean withMatchLen, long minMatchLen) {
        /** Parses {@code args[3..]}; replies with the error and returns null when they are invalid. */
        static Options parse(Client c, byte[][] args) {
            boolean len = false;
            boolean idx = false;
            boolean withMatchLen = false;
            long minMatchLen = 0;
            for (int j = 3; j < args.length; j++) {
                String opt = new String(args[j], java.nio.charset.StandardCharsets.ISO_8859_1);
                if (opt.equalsIgnoreCase("idx")) {
                    idx = true;
                } else if (opt.equalsIgnoreCase("len")) {
                    len = true;
                } else if (opt.equalsIgnoreCase("withmatchlen")) {
                    withMatchLen = true;
                } else if (opt.equalsIgnoreCase("minmatchlen") && j + 1 < args.length) {
                    try {
                        minMatchLen = Math.max(0, Numbers.parseLong(args[++j]));
                    } catch (Numbers.NotANumber e) {
                        c.error(Errors.NOT_INTEGER);
                        return null;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            if (idx && len) {
                c.error("ERR If you want both the length and indexes, please just use IDX.");
                return null;
            }
            return new Options(len, idx, withMatchLen, minMatchLen);
        }
    }

    static void lcs(Client c, byte[][] args) {
        Db db = c.db();
        Object a = StringReads.lookupRead(c, db, args[1]);
        Object b = StringReads.lookupRead(c, db, args[2]);
        if (a != null && !StringValues.isString(a) || b != null && !StringValues.isString(b)) {
            c.error("ERR The specified keys must contain string values");
            return;
        }
        Options options = Options.parse(c, args);
        if (options == null) {
            return;
        }
        byte[] aBytes = a == null ? EMPTY : StringValues.array(a);
        int aLength = a == null ? 0 : StringValues.length(a);
        byte[] bBytes = b == null ? EMPTY : StringValues.array(b);
        int bLength = b == null ? 0 : StringValues.length(b);
        long tableBytes = Lcs.tableCells(aLength, bLength) * Integer.BYTES;
        if (tableBytes > c.node().config().protoMaxBulkLen.asLong()) {
            c.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        Lcs lcs;
        try {
            lcs = Lcs.of(aBytes, aLength, bBytes, bLength);
        } catch (OutOfMemoryError | ArithmeticException e) {
            c.error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        ReplyWriter reply = c.reply();
        if (options.len()) {
            reply.integer(lcs.length());
            return;
        }
        Lcs.Result result = lcs.walk();
        if (!options.idx()) {
            reply.bulk(result.sequence());
            return;
        }
        List<Lcs.Match> matches = result.matches().stream()
                .filter(m -> m.length() >= options.minMatchLen()).toList();
        reply.map(2);
        reply.bulk("matches");
        reply.array(matches.size());
        for (Lcs.Match m : matches) {
            reply.array(options.withMatchLen() ? 3 : 2);
            reply.array(2);
            reply.integer(m.aStart());
            reply.integer(m.aEnd());
            reply.array(2);
            reply.integer(m.bStart());
            reply.integer(m.bEnd());
            if (options.withMatchLen()) {
                reply.integer(m.length());
            }
        }
        reply.bulk("len");
        reply.integer(lcs.length());
    }
}
