package io.larder.engine.rdb;

/** The bytes are not a valid RDB file or DUMP payload (Redis's "corrupt RDB" / "Bad data format"). */
public final class RdbFormatException extends RuntimeException {
    public RdbFormatException(String message) {
        super(message);
    }
}
