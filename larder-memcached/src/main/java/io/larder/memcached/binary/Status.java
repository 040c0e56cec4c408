package io.larder.memcached.binary;

import java.nio.charset.StandardCharsets;

/** Binary response statuses with the message memcached sends in the body of an error. */
enum Status {
    SUCCESS(0x00, ""),
    KEY_ENOENT(0x01, "Not found"),
    KEY_EEXISTS(0x02, "Data exists for key."),
    E2BIG(0x03, "Too large."),
    EINVAL(0x04, "Invalid arguments"),
    NOT_STORED(0x05, "Not stored."),
    DELTA_BADVAL(0x06, "Non-numeric server-side value for incr or decr"),
    AUTH_ERROR(0x20, "Auth failure."),
    AUTH_CONTINUE(0x21, ""),
    UNKNOWN_COMMAND(0x81, "Unknown command"),
    ENOMEM(0x82, "Out of memory");

    final int code;
    final byte[] message;

    Status(int code, String message) {
        this.code = code;
        this.message = message.getBytes(StandardCharsets.US_ASCII);
    }
}
