package io.larder.node.commands.string;

import io.larder.engine.util.Numbers;
import io.larder.node.commands.Args;

/**
 * The options SET and GETEX share (Redis's parseExtendedStringArguments), with Redis's rules on which ones
 * exclude each other. A repeated option is accepted, as in Redis (the last expire time wins).
 */
record ExtendedOptions(int flags, byte[] expireArgument) {
    static final int NX = 1;
    static final int XX = 1 << 1;
    static final int GET = 1 << 2;
    static final int KEEPTTL = 1 << 3;
    static final int PERSIST = 1 << 4;
    static final int EX = 1 << 5;
    static final int PX = 1 << 6;
    static final int EXAT = 1 << 7;
    static final int PXAT = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** Only an expire time, as SETEX and PSETEX give it. */
    static ExtendedOptions expireOnly(int unitFlag, byte[] argument) {
        return new ExtendedOptions(unitFlag, argument);
    }

    /** Parses {@code args[from..]}; null on a syntax error. {@code forSet} allows NX/XX/GET/KEEPTTL, else PERSIST. */
    static ExtendedOptions parse(byte[][] args, int from, boolean forSet) {
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < args.length; j++) {
            byte[] opt = args[j];
            boolean hasNext = j + 1 < args.length;
            int expireFlag = 0;
            if (forSet && Args.is(opt, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && Args.is(opt, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && Args.is(opt, "get")) {
                flags |= GET;
            } else if (forSet && Args.is(opt, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && Args.is(opt, "persist") && (flags & (KEEPTTL | ANY_EXPIRE)) == 0) {
                flags |= PERSIST;
            } else if (Args.is(opt, "ex")) {
                expireFlag = EX;
            } else if (Args.is(opt, "px")) {
                expireFlag = PX;
            } else if (Args.is(opt, "exat")) {
                expireFlag = EXAT;
            } else if (Args.is(opt, "pxat")) {
                expireFlag = PXAT;
            } else {
                return null;
            }
            if (expireFlag != 0) {
                // Another unit, KEEPTTL or PERSIST already given, or no value: a syntax error.
                if ((flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireFlag))) != 0 || !hasNext) {
                    return null;
                }
                flags |= expireFlag;
                expire = args[++j];
            }
        }
        return new ExtendedOptions(flags, expire);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    boolean hasExpire() {
        return expireArgument != null;
    }

    boolean absoluteExpire() {
        return has(EXAT | PXAT);
    }

    /**
     * The absolute expiry in unix ms, or -1 when Redis calls the time invalid (not positive, or overflowing
     * once scaled to milliseconds and made absolute).
     */
    long deadline(long now) throws Numbers.NotANumber {
        long value = Numbers.parseLong(expireArgument);
        boolean seconds = has(EX | EXAT);
        if (value <= 0 || seconds && value > Long.MAX_VALUE / 1000) {
            return -1;
        }
        if (seconds) {
            value *= 1000;
        }
        if (has(EX | PX)) {
            value += now; // wraps negative on overflow, as the C addition does
        }
        return value <= 0 ? -1 : value;
    }
}
