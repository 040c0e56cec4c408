package io.larder.node.commands.bitmap;

import io.larder.engine.util.Numbers;

/**
 * The optional {@code start end [BYTE|BIT]} range of BITCOUNT and BITPOS, resolved against a string's length the
 * way Redis does: negative indexes count from the end, then both ends are clamped into the string.
 */
record BitRange(long start, long end, boolean bitUnit, boolean endGiven) {

    /**
     * Parses {@code start [end [unit]]} from {@code args[from..]}; throws for bad integers, null for a bad unit.
     * Redis checks BITCOUNT's end before its unit but BITPOS's unit before its end; the first error wins.
     */
    static BitRange parse(byte[][] args, int from, boolean endOptional) throws Numbers.NotANumber {
        long start = Numbers.parseLong(args[from]);
        boolean endGiven = !endOptional || args.length > from + 1;
        long end = Long.MAX_VALUE;
        if (endGiven && !endOptional) {
            end = Numbers.parseLong(args[from + 1]);
        }
        boolean bitUnit = false;
        if (args.length == from + 3) {
            if (BitArguments.is(args[from + 2], "bit")) {
                bitUnit = true;
            } else if (!BitArguments.is(args[from + 2], "byte")) {
                return null;
            }
        }
        if (endGiven && endOptional) {
            end = Numbers.parseLong(args[from + 1]);
        }
        return new BitRange(start, end, bitUnit, endGiven);
    }

    /** The whole string, in bytes. */
    static BitRange whole() {
        return new BitRange(0, Long.MAX_VALUE, false, false);
    }

    /** Both ends given negative and crossed: BITCOUNT answers 0 before clamping would make them meet. */
    boolean crossedNegative() {
        return start < 0 && end < 0 && start > end;
    }

    /** True when the resolved range holds no bit of a string of {@code length} bytes. */
    boolean isEmpty(int length) {
        return resolvedStart(length) > resolvedEnd(length);
    }

    /** First bit position of the resolved range; only for a range that is not empty. */
    long firstBit(int length) {
        long start = resolvedStart(length);
        return bitUnit ? start : start * 8;
    }

    /** Last bit position of the resolved range; only for a range that is not empty. */
    long lastBit(int length) {
        long end = resolvedEnd(length);
        return bitUnit ? end : end * 8 + 7;
    }

    private long resolvedStart(int length) {
        return start < 0 ? Math.max(0, units(length) + start) : start;
    }

    private long resolvedEnd(int length) {
        long total = units(length);
        return Math.min(end < 0 ? Math.max(0, total + end) : end, total - 1);
    }

    private long units(int length) {
        return bitUnit ? (long) length * 8 : length;
    }
}
