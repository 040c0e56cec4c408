package io.larder.resp;

/** Limits the parser applies while reading one connection's requests; read on every request, so they follow CONFIG SET. */
public interface RequestLimits {
    /** proto-max-bulk-len */
    long maxBulkLength();

    /** client-query-buffer-limit: the most bytes one pending request may hold. */
    long maxQueryBuffer();

    /** True while the connection must authenticate first: Redis then allows only tiny requests. */
    boolean authRequired();

    /**
     * Asks for room for {@code bytes} more of arguments the parser is about to read (a big argument, a long
     * request); false refuses it and the connection is closed, as over client-query-buffer-limit.
     */
    default boolean reserve(long bytes) {
        return true;
    }

    /** Gives back room obtained from {@link #reserve} once the request is parsed or the connection closes. */
    default void release(long bytes) {
    }
}
