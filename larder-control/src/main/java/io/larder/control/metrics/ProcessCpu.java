package io.larder.control.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** A process's CPU time (user + system) from {@code /proc/<pid>/stat}, whatever program the process runs. */
public final class ProcessCpu {
    /** Linux's USER_HZ, the unit of the stat file's times: 100 on every architecture Linux runs Java on. */
    static final int TICKS_PER_SECOND = 100;
    private final Path proc;

    public ProcessCpu(Path proc) {
        this.proc = proc;
    }

    public static ProcessCpu system() {
        return new ProcessCpu(Path.of("/proc"));
    }

    /** CPU seconds the process has used, or empty when it is gone (or this is not Linux). */
    public OptionalDouble seconds(long pid) {
        String stat;
        try {
            stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
        // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return OptionalDouble.of((utime + stime) / (double) TICKS_PER_SECOND);
    }
}
