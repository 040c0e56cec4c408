package io.larder.tls;

/**
 * A TLS setting that cannot be put into effect (unreadable file, key not matching, unknown cipher ...). The
 * message is redis-server's log line; {@link #subject()}, {@link #file()} and {@link #detail()} let another server
 * (memcached) word it its own way.
 */
public final class TlsConfigException extends Exception {
    /** What could not be loaded. */
    public enum Subject { CERTIFICATE, KEY, CA, SETTINGS }

    private final Subject subject;
    private final String file;
    private final String detail;

    public TlsConfigException(String message) {
        super(message);
        this.subject = Subject.SETTINGS;
        this.file = "";
        this.detail = message;
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
        this.subject = Subject.SETTINGS;
        this.file = "";
        this.detail = message;
    }

    public TlsConfigException(Subject subject, String file, String detail, Throwable cause) {
        super(switch (subject) {
            case CERTIFICATE -> "Failed to load certificate: ";
            case KEY -> "Failed to load private key: ";
            case CA -> "Failed to configure CA certificate(s) file/directory: ";
            case SETTINGS -> "";
        } + file + ": " + detail, cause);
        this.subject = subject;
        this.file = file;
        this.detail = detail;
    }

    public Subject subject() {
        return subject;
    }

    public String file() {
        return file;
    }

    public String detail() {
        return detail;
    }
}
