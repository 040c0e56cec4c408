package io.larder.node.server;

import io.larder.node.command.CommandSpec;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The MONITOR connections and the stream of executed commands sent to them, in Redis's format:
 * {@code +1700000000.123456 [0 127.0.0.1:5555] "set" "k" "v"}, with secrets already redacted by the commands
 * that carry them. Without monitors the dispatcher pays one volatile read per command.
 */
public final class MonitorFeed {
    private volatile Client[] monitors = new Client[0];

    public boolean active() {
        return monitors.length != 0;
    }

    public synchronized void add(Client client) {
        Client[] next = Arrays.copyOf(monitors, monitors.length + 1);
        next[monitors.length] = client;
        monitors = next;
    }

    public synchronized void remove(Client client) {
        monitors = Arrays.stream(monitors).filter(m -> m != client).toArray(Client[]::new);
    }

    /** Sends an executed command to every monitor, unless Redis keeps it from them (admin commands). */
    void feed(Client client, CommandSpec spec, byte[][] args) {
        if (spec.hasFlag("admin") || spec.hasFlag("skip_monitor")) {
            return;
        }
        feed(client, client.remoteAddress(), args);
    }

    /** Sends a command to every monitor as run by {@code client}, shown with {@code address} ("lua" in scripts). */
    void feed(Client client, String address, byte[][] args) {
        byte[] line = format(Instant.now(), client.dbIndex(), address, args);
        for (Client m : monitors) {
            if (m == client) {
                // A monitor's own command is shown after its reply, which is still in its writer.
                m.reply().raw(line);
            } else {
                m.handler().send(Unpooled.wrappedBuffer(line));
            }
        }
    }

    static byte[] format(Instant at, int db, String address, byte[][] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        String head = String.format("+%d.%06d [%d %s]", at.getEpochSecond(), at.getNano() / 1000, db, address);
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        for (byte[] a : args) {
            out.write(' ');
            appendRepr(out, a);
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /** Redis's sdscatrepr: quoted, with C escapes for quotes, backslashes, controls and non-ASCII bytes. */
    static void appendRepr(ByteArrayOutputStream out, byte[] bytes) {
        out.write('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\\', '"' -> {
                    out.write('\\');
                    out.write(c);
                }
                case '\n' -> out.writeBytes(new byte[]{'\\', 'n'});
                case '\r' -> out.writeBytes(new byte[]{'\\', 'r'});
                case '\t' -> out.writeBytes(new byte[]{'\\', 't'});
                case 7 -> out.writeBytes(new byte[]{'\\', 'a'});
                case 8 -> out.writeBytes(new byte[]{'\\', 'b'});
                default -> {
                    if (c >= 32 && c < 127) {
                        out.write(c);
                    } else {
                        out.writeBytes(String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        out.write('"');
    }
}
