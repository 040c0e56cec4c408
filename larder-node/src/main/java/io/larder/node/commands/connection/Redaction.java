package io.larder.node.commands.connection;

import java.nio.charset.StandardCharsets;

/**
 * Redis's redactClientCommandArgument: secrets in a command's arguments are replaced before the command is
 * shown anywhere else (slow log, MONITOR), so passwords never leave the connection that sent them.
 */
public final class Redaction {
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private Redaction() {
    }

    public static void redact(byte[][] args, int index) {
        args[index] = REDACTED;
    }
}
