package io.larder.memcached.text;

import java.nio.charset.StandardCharsets;

/** memcached's text reply lines, encoded once. */
public final class Replies {
    public static final byte[] CRLF = bytes("\r\n");
    public static final byte[] STORED = line("STORED");
    public static final byte[] NOT_STORED = line("NOT_STORED");
    public static final byte[] EXISTS = line("EXISTS");
    public static final byte[] NOT_FOUND = line("NOT_FOUND");
    public static final byte[] DELETED = line("DELETED");
    public static final byte[] TOUCHED = line("TOUCHED");
    public static final byte[] END = line("END");
    public static final byte[] OK = line("OK");
    public static final byte[] ERROR = line("ERROR");
    public static final byte[] RESET = line("RESET");
    public static final byte[] VALUE = bytes("VALUE ");
    public static final byte[] BAD_FORMAT = line("CLIENT_ERROR bad command line format");
    public static final byte[] BAD_CHUNK = line("CLIENT_ERROR bad data chunk");
    public static final byte[] INVALID_EXPTIME = line("CLIENT_ERROR invalid exptime argument");
    public static final byte[] INVALID_DELTA = line("CLIENT_ERROR invalid numeric delta argument");
    public static final byte[] NON_NUMERIC = line("CLIENT_ERROR cannot increment or decrement non-numeric value");
    public static final byte[] TOO_LARGE = line("SERVER_ERROR object too large for cache");
    public static final byte[] NO_MEMORY = line("SERVER_ERROR out of memory storing object");
    public static final byte[] OUT_OF_MEMORY = line("SERVER_ERROR out of memory");
    public static final byte[] DELETE_USAGE = line("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");

    private Replies() {
    }

    static byte[] line(String s) {
        return bytes(s + "\r\n");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
