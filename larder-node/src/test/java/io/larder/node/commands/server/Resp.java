package io.larder.node.commands.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A parsed RESP2/RESP3 reply: its header line, a bulk payload or child elements; serializes back byte for byte. */
record Resp(String header, String payload, List<Resp> children) {
    static Resp parse(byte[] raw) {
        int[] pos = {0};
        Resp r = read(raw, pos);
        if (pos[0] != raw.length) {
            throw new IllegalArgumentException("trailing bytes after reply");
        }
        return r;
    }

    private static Resp read(byte[] raw, int[] pos) {
        int end = indexOfCrlf(raw, pos[0]);
        String header = new String(raw, pos[0], end - pos[0], StandardCharsets.ISO_8859_1);
        pos[0] = end + 2;
        char type = header.charAt(0);
        switch (type) {
            case '$', '=', '!' -> {
                int len = Integer.parseInt(header.substring(1));
                if (len < 0) {
                    return new Resp(header, null, List.of());
                }
                String payload = new String(raw, pos[0], len, StandardCharsets.ISO_8859_1);
                pos[0] += len + 2;
                return new Resp(header, payload, List.of());
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(header.substring(1));
                int count = type == '%' || type == '|' ? 2 * n : Math.max(n, 0);
                List<Resp> children = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    children.add(read(raw, pos));
                }
                return new Resp(header, null, children);
            }
            default -> {
                return new Resp(header, null, List.of());
            }
        }
    }

    private static int indexOfCrlf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("incomplete reply");
    }

    /** The text of a bulk, verbatim or simple reply. */
    String text() {
        return payload != null ? payload : header.substring(1);
    }

    Resp child(int i) {
        return children.get(i);
    }

    /**
     * A COMMAND INFO entry without its subcommand list: subcommands are compared one by one (Redis lists them
     * in its hash table's order, and 7.2 added some that the 7.0 oracle lacks).
     */
    Resp withoutSubcommands() {
        if (children.size() != 10) {
            return this;
        }
        List<Resp> c = new ArrayList<>(children);
        c.set(9, new Resp("*0", null, List.of()));
        return new Resp(header, null, c);
    }

    /** The wire form, with CR and LF shown as \r and \n so mismatches print readably. */
    String printable() {
        StringBuilder s = new StringBuilder();
        write(s);
        return s.toString();
    }

    private void write(StringBuilder s) {
        s.append(header).append("\\r\\n");
        if (payload != null) {
            s.append(payload.replace("\r", "\\r").replace("\n", "\\n")).append("\\r\\n");
        }
        children.forEach(c -> c.write(s));
    }
}
