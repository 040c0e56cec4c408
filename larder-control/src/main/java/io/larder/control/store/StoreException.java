package io.larder.control.store;

/** The store failed (I/O, corrupt file): not the caller's fault. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
