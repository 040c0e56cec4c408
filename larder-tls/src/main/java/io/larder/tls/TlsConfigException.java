package io.larder.tls;

/** A TLS setting that cannot be put into effect (unreadable file, key not matching, unknown cipher ...). */
public final class TlsConfigException extends Exception {
    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
