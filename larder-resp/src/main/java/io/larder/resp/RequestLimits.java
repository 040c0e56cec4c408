package io.larder.resp;

/** Limits the parser applies while reading one connection's requests; read on every request, so they follow CONFIG SET. */
public interface RequestLimits {
    /** proto-max-bulk-len */
    long maxBulkLength();

    /** client-query-buffer-limit: the most bytes one pending request may hold. */
    long maxQueryBuffer();

    /** True while the connection must authenticate first: Redis then allows only tiny requests. */
    boolean authRequired();
}
