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
 * loadAppendOnlyFiles. A file that starts with an RDB (the preamble) has it loaded first. {@code #} lines (timestamp annotations) are skipped. A torn tail of the last file (an
 * unfinished command, or a MULTI without its EXEC) is cut off when aof-load-truncated allows it; anything else
 * malformed stops the start.
 */
final class AofLoader {
    private final Node node;
    private final Path dir;
    private final boolean truncatedAllowed;
    /** Bytes of the files loaded before the current one (INFO loading_loaded_bytes). */
    private long loadedBefore;

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
        // As Redis, nothing expires while loading: a key whose TTL has passed may still be made persistent by a
        // later command of the file (PERSIST, SET ... KEEPTTL), as it was when the command ran.
        var keyspace = node.keyspace();
        boolean expiriesWereFromPrimary = keyspace.expiriesFromPrimary();
        keyspace.expiriesFromPrimary(true);
        keyspace.applyingPrimary(true);
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = dir.resolve(files.get(i).name());
                if (!Files.exists(file)) {
                    throw new BadAof("The AOF file " + file.getFileName() + " doesn't exist");
                }
                loadFile(client, file, i == files.size() - 1);
                loadedBefore += Files.size(file);
            }
        } finally {
            keyspace.applyingPrimary(false);
            keyspace.expiriesFromPrimary(expiriesWereFromPrimary);
            client.reply().discard();
        }
    }

    private void loadFile(Client client, Path file, boolean last) throws IOException {
        long preamble = loadPreamble(file);
        long commands = 0;
        long validEnd = preamble; // the end of the last command outside a transaction
        boolean inMulti = false;
        boolean torn = false;
        java.io.InputStream stream = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        stream.skipNBytes(preamble);
        try (Reader in = new Reader(stream, preamble)) {
            while (true) {
                byte[][] args;
                try {
                    args = in.next();
                } catch (IllegalArgumentException e) {
                    throw new BadAof("Bad file format reading the append only file " + file.getFileName()
                            + ": " + e.getMessage());
                }
                if (args == null) {
                    torn = !in.atEnd();
                    break;
                }
                if (args.length == 0) { // an annotation line
                    if (!inMulti) {
                        validEnd = in.offset;
                    }
                    continue;
                }
                String name = new String(args[0], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
                if (node.commands().lookup(args[0]) == null) {
                    throw new BadAof("Unknown command '" + name + "' reading the append only file "
                            + file.getFileName());
                }
                run(client, args);
                if (++commands % PROGRESS_COMMANDS == 0) {
                    node.persistence().loadingProgress(loadedBefore + in.offset);
                }
                if (name.equals("multi")) {
                    inMulti = true;
                } else if (name.equals("exec")) {
                    inMulti = false;
                }
                if (!inMulti) {
                    validEnd = in.offset;
                }
            }
        }
        if (!torn && !inMulti) {
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
            run(client, new byte[][]{"DISCARD".getBytes(StandardCharsets.US_ASCII)});
        }
        System.err.println("larder: !!! Warning: short read while loading the AOF file " + file.getFileName()
                + "!!! Truncating the AOF at offset " + validEnd);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(validEnd);
            ch.force(true);
        }
    }

    /**
     * A file that starts with "REDIS" begins with an RDB (a base written with aof-use-rdb-preamble yes, or a
     * single-file AOF of Redis 4 to 6); it is loaded and its length returned. Commands may follow it.
     */
    private long loadPreamble(Path file) throws IOException {
        byte[] magic;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(5);
        }
        if (!java.util.Arrays.equals(magic, RDB_MAGIC)) {
            return 0;
        }
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return node.persistence().loadAofPreamble(in);
        } catch (io.larder.engine.rdb.RdbFormatException e) {
            throw new BadAof("Error reading the RDB preamble of the AOF file " + file.getFileName()
                    + ", AOF loading aborted: " + e.getMessage());
        }
    }

    private static final int PROGRESS_COMMANDS = 1024;
    private static final byte[] RDB_MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);

    private void run(Client client, byte[][] args) {
        node.dispatcher().dispatch(client, args);
        var out = client.reply().take();
        if (out != null) {
            out.release();
        }
    }

    /** Reads the file's commands one at a time, counting the bytes consumed. */
    private static final class Reader implements AutoCloseable {
        private static final byte[][] ANNOTATION = new byte[0][];
        private final java.io.InputStream in;
        long offset;
        private boolean eof;

        Reader(java.io.InputStream in, long offset) {
            this.in = in;
            this.offset = offset;
        }

        /** The next command, {@link #ANNOTATION} for a '#' line, or null when the data ends (maybe mid-command). */
        byte[][] next() throws IOException {
            int first = in.read();
            if (first < 0) {
                eof = true;
                return null;
            }
            offset++;
            if (first == '#') {
                return line() == null ? null : ANNOTATION;
            }
            if (first != '*') {
                throw new IllegalArgumentException("expected '*' at offset " + (offset - 1));
            }
            Long count = number();
            if (count == null) {
                return null;
            }
            if (count < 1 || count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad argument count at offset " + offset);
            }
            byte[][] args = new byte[(int) (long) count][];
            for (int i = 0; i < args.length; i++) {
                int dollar = in.read();
                if (dollar < 0) {
                    return null;
                }
                offset++;
                if (dollar != '$') {
                    throw new IllegalArgumentException("expected '$' at offset " + (offset - 1));
                }
                Long len = number();
                if (len == null) {
                    return null;
                }
                if (len > Integer.MAX_VALUE - 2) {
                    throw new IllegalArgumentException("bad length at offset " + offset);
                }
                byte[] arg = in.readNBytes((int) (long) len);
                offset += arg.length;
                if (arg.length < len) {
                    return null;
                }
                byte[] crlf = in.readNBytes(2);
                offset += crlf.length;
                if (crlf.length < 2) {
                    return null;
                }
                args[i] = arg;
            }
            return args;
        }

        /** True when the last {@link #next} returned null at a command boundary (no torn tail). */
        boolean atEnd() {
            return eof;
        }

        /** Bytes up to '\n', or null at the end of the data. */
        private byte[] line() throws IOException {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                offset++;
                if (c == '\n') {
                    return b.toByteArray();
                }
                b.write(c);
            }
            return null;
        }

        /** A decimal number ended by CRLF; null at the end of the data. */
        private Long number() throws IOException {
            byte[] line = line();
            if (line == null) {
                return null;
            }
            if (line.length < 2 || line[line.length - 1] != '\r') {
                throw new IllegalArgumentException("bad number at offset " + offset);
            }
            long n = 0;
            for (int i = 0; i < line.length - 1; i++) {
                int d = line[i] - '0';
                if (d < 0 || d > 9 || n > Long.MAX_VALUE / 10) {
                    throw new IllegalArgumentException("bad number at offset " + offset);
                }
                n = n * 10 + d;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
