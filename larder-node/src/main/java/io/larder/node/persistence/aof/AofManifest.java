package io.larder.node.persistence.aof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7's AOF manifest: one line per file, {@code file NAME seq N type b|i|h}, the base first, then the
 * incremental files in the order they are replayed.
 */
record AofManifest(List<Entry> entries) {
    enum Type { BASE('b'), INCR('i'), HISTORY('h');
        final char code;
        Type(char code) { this.code = code; }
        static Type of(String s) {
            for (Type t : values()) {
                if (s.length() == 1 && s.charAt(0) == t.code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("Unknown AOF file type " + s);
        }
    }

    record Entry(String name, long seq, Type type) { }

    Entry base() {
        return entries.stream().filter(e -> e.type == Type.BASE).findFirst().orElse(null);
    }

    List<Entry> incrs() {
        return entries.stream().filter(e -> e.type == Type.INCR).toList();
    }

    long lastIncrSeq() {
        return incrs().stream().mapToLong(Entry::seq).max().orElse(0);
    }

    static AofManifest read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String name = null;
            long seq = -1;
            Type type = null;
            for (int i = 0; i + 1 < parts.length; i += 2) {
                switch (parts[i]) {
                    case "file" -> name = parts[i + 1];
                    case "seq" -> seq = Long.parseLong(parts[i + 1]);
                    case "type" -> type = Type.of(parts[i + 1]);
                    default -> { } // unknown keys are skipped, as Redis does for forward compatibility
                }
            }
            if (name == null || seq < 0 || type == null) {
                throw new IOException("Invalid AOF manifest line: " + line);
            }
            entries.add(new Entry(name, seq, type));
        }
        return new AofManifest(entries);
    }

    /** Writes atomically: a temporary file, fsynced, renamed over the manifest. */
    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append("file ").append(e.name).append(" seq ").append(e.seq).append(" type ").append(e.type.code)
                    .append('\n');
        }
        Path tmp = file.resolveSibling("temp-" + file.getFileName());
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /** Makes renames and new files in the directory durable (Linux allows fsync on a directory). */
    static void syncDirectory(Path dir) {
        try (var ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every platform can open a directory; the rename itself is atomic
        }
    }
}
