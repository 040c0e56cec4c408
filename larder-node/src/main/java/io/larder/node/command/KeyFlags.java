package io.larder.node.command;

import java.util.List;

/**
 * Access flags of one key of a command whose flags depend on its arguments (key specs flagged
 * {@code variable_flags}, such as SET with or without GET): what COMMAND GETKEYSANDFLAGS reports, as
 * Redis's per-command getkeys functions do.
 */
@FunctionalInterface
public interface KeyFlags {
    /** @return key-spec flags in Redis's spelling ("RW", "access", "update" ...) for the key at {@code position} */
    List<String> flags(byte[][] args, int position);
}
