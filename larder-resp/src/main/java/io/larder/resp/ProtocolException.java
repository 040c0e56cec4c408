package io.larder.resp;

/**
 * A request that breaks the protocol. The message is what Redis replies (without the "-ERR " prefix);
 * the connection is closed once the reply is written.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
