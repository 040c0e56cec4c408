package io.larder.node.persistence.aof;

import io.larder.node.server.Client;
import io.larder.node.server.Node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the files a manifest names, base first, through the dispatcher with an internal client, as Redis's
 * loadAppendOnlyFiles. {@code #} lines (timestamp annotations) are skipped. A torn tail of the last file (an
 * unfinished command, or a MULTI without its EXEC) is cut off when aof-load-truncated allows it; anything else
 * malformed stops the start.
 */
final class AofLoader {
    private final Node node;
    private final Path dir;
    private final boolean truncatedAllowed;

    AofLoader(Node node, Path dir, boolean truncatedAllowed) {
        this.node = node;
        this.dir = dir;
        this.truncatedAllowed = truncatedAllowed;
    }

    /** Thrown when the AOF cannot be loaded; the node must not start. */
    static final class BadAof extends IOException {
        BadAof(String message) {
            super(message);
        }
    }

    void load(AofManifest manifest) throws IOException {
        List<AofManifest.Entry> files = new ArrayList<>();
        if (manifest.base() != null) {
            files.add(manifest.base());
        }
        files.addAll(manifest.incrs());
        Client client = Client.internal(node);
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = dir.resolve(files.get(i).name());
                if (!Files.exists(file)) {
                    throw new BadAof("The AOF file " + file.getFileName() + " doesn't exist");
                }
                loadFile(client, file, i == files.size() - 1);
            }
        } finally {
            client.reply().discard();
        }
    }

    private void loadFile(Client client, Path file, boolean last) throws IOException {
        byte[] data = Files.readAllBytes(file);
        int pos = 0;
        int validEnd = 0; // the end of the last command outside a transaction
        boolean inMulti = false;
        while (pos < data.length) {
            if (data[pos] == '#') {
                int eol = indexOf(data, pos, '\n');
                if (eol < 0) {
                    break;
                }
                pos = eol + 1;
                if (!inMulti) {
                    validEnd = pos;
                }
                continue;
            }
            Parsed p;
            try {
                p = parse(data, pos);
            } catch (IllegalArgumentException e) {
                throw new BadAof("Bad file format reading the append only file " + file.getFileName()
                        + ": " + e.getMessage());
            }
            if (p == null) {
                break; // ends in the middle of a command
            }
            String name = new String(p.args[0], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            if (node.commands().lookup(p.args[0]) == null) {
                throw new BadAof("Unknown command '" + name + "' reading the append only file "
                        + file.getFileName());
            }
            node.dispatcher().dispatch(client, p.args);
            var out = client.reply().take();
            if (out != null) {
                out.release();
            }
            pos = p.end;
            if (name.equals("multi")) {
                inMulti = true;
            } else if (name.equals("exec")) {
                inMulti = false;
            }
            if (!inMulti) {
                validEnd = pos;
            }
        }
        if (pos == data.length && !inMulti) {
            return;
        }
        // A torn tail: only the last file may have one, and only aof-load-truncated yes repairs it.
        if (!last || !truncatedAllowed) {
            throw new BadAof("Unexpected end of file reading the append only file " + file.getFileName()
                    + ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>."
                    + " 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart"
                    + " the server.");
        }
        if (inMulti) {
            node.dispatcher().dispatch(client, new byte[][]{"DISCARD".getBytes(StandardCharsets.US_ASCII)});
            var out = client.reply().take();
            if (out != null) {
                out.release();
            }
        }
        System.err.println("larder: !!! Warning: short read while loading the AOF file " + file.getFileName()
                + "!!! Truncating the AOF at offset " + validEnd);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(validEnd);
            ch.force(true);
        }
    }

    private record Parsed(byte[][] args, int end) { }

    /** One RESP array of bulk strings at {@code pos}; null when the data ends before it does. */
    private static Parsed parse(byte[] data, int pos) {
        if (data[pos] != '*') {
            throw new IllegalArgumentException("expected '*' at offset " + pos);
        }
        int eol = indexOf(data, pos, '\n');
        if (eol < 0) {
            return null;
        }
        int count = number(data, pos + 1, eol - 1);
        if (count < 1) {
            throw new IllegalArgumentException("bad argument count at offset " + pos);
        }
        byte[][] args = new byte[count][];
        pos = eol + 1;
        for (int i = 0; i < count; i++) {
            if (pos >= data.length) {
                return null;
            }
            if (data[pos] != '$') {
                throw new IllegalArgumentException("expected '$' at offset " + pos);
            }
            eol = indexOf(data, pos, '\n');
            if (eol < 0) {
                return null;
            }
            int len = number(data, pos + 1, eol - 1);
            pos = eol + 1;
            if ((long) pos + len + 2 > data.length) {
                return null;
            }
            args[i] = java.util.Arrays.copyOfRange(data, pos, pos + len);
            pos += len + 2;
        }
        return new Parsed(args, pos);
    }

    private static int indexOf(byte[] data, int from, char c) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The decimal number in data[from, crlf) where data[crlf] must be '\r'. */
    private static int number(byte[] data, int from, int cr) {
        if (cr <= from || data[cr] != '\r') {
            throw new IllegalArgumentException("bad number at offset " + from);
        }
        long n = 0;
        for (int i = from; i < cr; i++) {
            int d = data[i] - '0';
            if (d < 0 || d > 9 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad number at offset " + from);
            }
            n = n * 10 + d;
        }
        return (int) n;
    }
}
