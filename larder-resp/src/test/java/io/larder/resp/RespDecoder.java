package io.larder.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Strict decoder of complete replies: rejects anything malformed, so a writer bug cannot pass unnoticed. */
final class RespDecoder {
    private final byte[] in;
    private int pos;

    private RespDecoder(byte[] in) {
        this.in = in;
    }

    /** Decodes every reply in {@code bytes}; fails if bytes are left over or missing. */
    static List<RespValue> decodeAll(byte[] bytes) {
        RespDecoder d = new RespDecoder(bytes);
        List<RespValue> out = new ArrayList<>();
        while (d.pos < bytes.length) {
            out.add(d.value());
        }
        return out;
    }

    static RespValue decodeOne(byte[] bytes) {
        List<RespValue> all = decodeAll(bytes);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one reply, got " + all.size());
        }
        return all.getFirst();
    }

    private RespValue value() {
        byte type = in[pos++];
        String line = line();
        return switch (type) {
            case '+' -> new RespValue.Simple(line);
            case '-' -> new RespValue.Error(line);
            case ':' -> new RespValue.Int(Long.parseLong(line));
            case '$' -> {
                long n = Long.parseLong(line);
                yield n == -1 ? new RespValue.NullBulk() : new RespValue.Bulk(body(n));
            }
            case '*' -> {
                long n = Long.parseLong(line);
                yield n == -1 ? new RespValue.NullArray() : new RespValue.Arr(items(n));
            }
            case '~' -> new RespValue.Set(items(Long.parseLong(line)));
            case '>' -> new RespValue.Push(items(Long.parseLong(line)));
            case '%' -> {
                long n = Long.parseLong(line);
                List<RespValue.Entry> entries = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    entries.add(new RespValue.Entry(value(), value()));
                }
                yield new RespValue.RMap(entries);
            }
            case '_' -> {
                require(line.isEmpty(), "null with payload");
                yield new RespValue.Null();
            }
            case ',' -> new RespValue.Dbl(line);
            case '#' -> {
                require(line.equals("t") || line.equals("f"), "bad boolean " + line);
                yield new RespValue.Bool(line.equals("t"));
            }
            case '=' -> {
                byte[] body = body(Long.parseLong(line));
                require(body.length >= 4 && body[3] == ':', "verbatim without format");
                yield new RespValue.Verbatim(new String(body, 0, 3, StandardCharsets.US_ASCII),
                        new String(body, 4, body.length - 4, StandardCharsets.UTF_8));
            }
            default -> throw new IllegalArgumentException("unknown type byte " + (type & 0xff) + " at " + (pos - 1));
        };
    }

    private List<RespValue> items(long n) {
        require(n >= 0, "negative aggregate length");
        List<RespValue> items = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            items.add(value());
        }
        return items;
    }

    private byte[] body(long n) {
        require(n >= 0 && pos + n + 2 <= in.length, "bulk length " + n + " past the end");
        byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        require(in[pos] == '\r' && in[pos + 1] == '\n', "bulk not ended by CRLF");
        pos += 2;
        return b;
    }

    /** The text up to CRLF, which must contain no other CR or LF. */
    private String line() {
        int start = pos;
        while (pos < in.length && in[pos] != '\r' && in[pos] != '\n') {
            pos++;
        }
        require(pos + 1 < in.length && in[pos] == '\r' && in[pos + 1] == '\n', "line not ended by CRLF");
        String s = new String(in, start, pos - start, StandardCharsets.UTF_8);
        pos += 2;
        return s;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
