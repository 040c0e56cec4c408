package io.larder.node.commands.hll;

import io.larder.engine.hll.HyperLogLog;
import io.larder.engine.hll.HllSelfTest;
import io.larder.engine.keyspace.Db;
import io.larder.engine.string.MutableString;
import io.larder.engine.string.StringValues;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key, and PFSELFTEST. */
final class PfDebugCommand {
    private PfDebugCommand() {
    }

    static void pfdebug(Client c, byte[][] args) {
        Db db = c.db();
        Object current = db.get(args[2]);
        if (current == null) {
            c.error("ERR The specified key does not exist");
            return;
        }
        if (!HllValues.check(c, current)) {
            return;
        }
        MutableString hll = StringValues.modifiable(db, args[2], current, 0);
        String sub = new String(args[1], StandardCharsets.ISO_8859_1);
        ReplyWriter reply = c.reply();
        switch (sub.toLowerCase(Locale.ROOT)) {
            case "getreg" -> {
                if (!HyperLogLog.toDense(hll)) {
                    c.error(HllValues.CORRUPT);
                    return;
                }
                reply.array(HyperLogLog.REGISTERS);
                for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                    reply.integer(HyperLogLog.register(hll.array(), i));
                }
            }
            case "decode" -> {
                if (!HyperLogLog.isSparse(hll.array())) {
                    c.error("ERR HLL encoding is not sparse");
                    return;
                }
                reply.bulk(HyperLogLog.decode(hll.array(), hll.length()));
            }
            case "encoding" -> reply.simple(HyperLogLog.isSparse(hll.array()) ? "sparse" : "dense");
            case "todense" -> {
                boolean sparse = HyperLogLog.isSparse(hll.array());
                if (!HyperLogLog.toDense(hll)) {
                    c.error(HllValues.CORRUPT);
                    return;
                }
                reply.integer(sparse ? 1 : 0);
            }
            default -> c.error("ERR Unknown PFDEBUG subcommand '" + sub + "'");
        }
    }

    static void pfselftest(Client c, byte[][] args) {
        String failure = HllSelfTest.run(HllValues.sparseMaxBytes(c));
        if (failure == null) {
            c.reply().ok();
        } else {
            c.error("TESTFAILED " + failure);
        }
    }
}
