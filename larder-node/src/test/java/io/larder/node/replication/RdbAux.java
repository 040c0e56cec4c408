package io.larder.node.replication;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The aux fields at the head of an RDB file, in their order (a test's reading of the format, independent of ours). */
final class RdbAux {
    private static final int AUX = 0xFA;

    private RdbAux() {
    }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> aux = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(9);
            if (!new String(magic, StandardCharsets.US_ASCII).startsWith("REDIS")) {
                throw new IOException("not an RDB file");
            }
            while (in.readUnsignedByte() == AUX) {
                aux.put(string(in), string(in));
            }
        }
        return aux;
    }

    /** A string as RDB encodes it: a length then bytes, or an integer (aux values are never compressed here). */
    private static String string(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int kind = first >> 6;
        long length = switch (kind) {
            case 0 -> first & 0x3F;
            case 1 -> (first & 0x3F) << 8 | in.readUnsignedByte();
            case 2 -> first == 0x80 ? Integer.toUnsignedLong(in.readInt()) : in.readLong();
            default -> -1;
        };
        if (kind != 3) {
            return new String(in.readNBytes((int) length), StandardCharsets.ISO_8859_1);
        }
        return switch (first & 0x3F) {
            case 0 -> Integer.toString(in.readByte());
            case 1 -> Integer.toString(Short.reverseBytes(in.readShort()));
            case 2 -> Integer.toString(Integer.reverseBytes(in.readInt()));
            default -> throw new IOException("compressed aux string");
        };
    }
}
