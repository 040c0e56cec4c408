package io.larder.node.scripting;

import java.nio.charset.StandardCharsets;

/**
 * Pushes a command's RESP reply onto the Lua stack as Redis converts it for scripts: integers become numbers,
 * bulk strings strings, RESP2 nulls false, arrays tables, status and error replies {ok=...} / {err=...};
 * with redis.setresp(3) maps {map={...}}, sets {set={member=true}}, nulls nil, booleans, doubles
 * {double=n}, big numbers {big_number=s} and verbatim strings {verbatim_string={format=, string=}}.
 */
final class RespToLua {
    private final LuaState s;
    private final byte[] r;
    private int p;

    RespToLua(LuaState s, byte[] reply) {
        this.s = s;
        this.r = reply;
    }

    void push() {
        s.checkStack(4);
        byte type = r[p++];
        switch (type) {
            case '+' -> {
                s.newTable(0, 1);
                s.pushBytes(line());
                s.setField(-2, "ok");
            }
            case '-' -> {
                s.newTable(0, 1);
                s.pushBytes(line());
                s.setField(-2, "err");
            }
            case ':' -> s.push((double) Long.parseLong(text()));
            case '$' -> {
                int n = Integer.parseInt(text());
                if (n < 0) {
                    s.push(false);
                } else {
                    byte[] b = new byte[n];
                    System.arraycopy(r, p, b, 0, n);
                    p += n + 2;
                    s.pushBytes(b);
                }
            }
            case '*', '>' -> {
                int n = Integer.parseInt(text());
                if (n < 0) {
                    s.push(false);
                    return;
                }
                s.newTable(n, 0);
                for (int i = 1; i <= n; i++) {
                    push();
                    s.rawSetIndex(-2, i);
                }
            }
            case '%' -> {
                int n = Integer.parseInt(text());
                s.newTable(0, 1);
                s.newTable(0, n);
                for (int i = 0; i < n; i++) {
                    push();
                    push();
                    s.rawSet(-3);
                }
                s.setField(-2, "map");
            }
            case '~' -> {
                int n = Integer.parseInt(text());
                s.newTable(0, 1);
                s.newTable(0, n);
                for (int i = 0; i < n; i++) {
                    push();
                    s.push(true);
                    s.rawSet(-3);
                }
                s.setField(-2, "set");
            }
            case '_' -> {
                p += 2;
                s.pushNil();
            }
            case '#' -> s.push(text().equals("t"));
            case ',' -> {
                String t = text();
                double d = switch (t) {
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    case "nan", "-nan" -> Double.NaN;
                    default -> Double.parseDouble(t);
                };
                s.newTable(0, 1);
                s.push(d);
                s.setField(-2, "double");
            }
            case '(' -> {
                s.newTable(0, 1);
                s.pushBytes(line());
                s.setField(-2, "big_number");
            }
            case '=' -> {
                int n = Integer.parseInt(text());
                String format = new String(r, p, 3, StandardCharsets.US_ASCII);
                byte[] body = new byte[n - 4];
                System.arraycopy(r, p + 4, body, 0, n - 4);
                p += n + 2;
                s.newTable(0, 1);
                s.newTable(0, 2);
                s.push(format);
                s.setField(-2, "format");
                s.pushBytes(body);
                s.setField(-2, "string");
                s.setField(-2, "verbatim_string");
            }
            default -> throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private byte[] line() {
        int start = p;
        while (r[p] != '\r') {
            p++;
        }
        byte[] b = new byte[p - start];
        System.arraycopy(r, start, b, 0, b.length);
        p += 2;
        return b;
    }

    private String text() {
        return new String(line(), StandardCharsets.US_ASCII);
    }
}
