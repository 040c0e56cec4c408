package io.larder.node.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted for a test that needs a disk to fill up. Mounting needs root (CI runs the tests as root);
 * tests check {@link #canMount()} and are reported as not run without it.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mount;

    private Tmpfs(Path mount) {
        this.mount = mount;
    }

    public static boolean canMount() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        return p.waitFor() == 0 && uid.equals("0");
    }

    public static Tmpfs mount(int megabytes) throws Exception {
        Path mount = Files.createTempDirectory("larder-tmpfs");
        run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mount.toString());
        return new Tmpfs(mount);
    }

    public Path path() {
        return mount;
    }

    /** Writes zeros to {@code name} until the filesystem refuses more; returns the file (delete it to free space). */
    public Path fill(String name) throws IOException {
        Path file = mount.resolve(name);
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        return file;
    }

    @Override
    public void close() throws Exception {
        run("umount", "-l", mount.toString());
        Files.delete(mount);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + ": " + output);
        }
    }
}
