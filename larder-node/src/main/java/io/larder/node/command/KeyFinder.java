package io.larder.node.command;

/** Argument positions of the keys of a command whose keys move (numkeys arguments, STORE options, ...). */
@FunctionalInterface
public interface KeyFinder {
    /** @return key positions in {@code args}; an empty array when there are none or the arguments are malformed */
    int[] keyPositions(byte[][] args);
}
