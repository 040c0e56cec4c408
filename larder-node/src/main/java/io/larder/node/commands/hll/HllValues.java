package io.larder.node.commands.hll;

import io.larder.engine.hll.HyperLogLog;
import io.larder.engine.string.StringValues;
import io.larder.node.commands.Errors;
import io.larder.node.server.Client;

/** Checks shared by the HyperLogLog commands. */
final class HllValues {
    static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";
    private static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    private HllValues() {
    }

    /** Redis's isHLLObjectOrReply: true for a string holding a well-formed HLL header, else replies an error. */
    static boolean check(Client c, Object value) {
        if (!StringValues.isString(value)) {
            c.error(Errors.WRONGTYPE);
            return false;
        }
        if (!HyperLogLog.isValid(StringValues.array(value), StringValues.length(value))) {
            c.error(NOT_HLL);
            return false;
        }
        return true;
    }

    static int sparseMaxBytes(Client c) {
        return (int) Math.min(Integer.MAX_VALUE, c.node().config().hllSparseMaxBytes.asLong());
    }
}
