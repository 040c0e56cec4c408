package io.larder.control.metrics;

import io.larder.control.model.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuUtilizationTest {
    @TempDir
    Path proc;

    /** A stat line as Linux writes it, with a command name that holds spaces and parentheses. */
    private void stat(long pid, long utime, long stime) throws IOException {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(pid + "/stat"), pid + " (java (x) y) S 1 2 3 0 -1 4194560 100 0 0 0 "
                + utime + " " + stime + " 0 0 20 0 30 0 12345 0 0\n");
    }

    @Test
    void processCpuReadsUserAndSystemTicks() throws IOException {
        stat(42, 250, 50);
        assertThat(new ProcessCpu(proc).seconds(42)).hasValue(3.0);
        assertThat(new ProcessCpu(proc).seconds(43)).isEmpty();
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        assertThat(ProcessCpu.system().seconds(ProcessHandle.current().pid()).orElseThrow()).isPositive();
    }

    @Test
    void utilizationIsCpuTimeOverElapsedTimeAndCpus() throws IOException {
        CpuUtilization cpu = new CpuUtilization(new ProcessCpu(proc), 4);
        Map<String, Double> first = new HashMap<>();
        stat(42, 100, 0);
        cpu.add("c/0001", Engine.REDIS, 42, 2, 10_000, Map.of("used_cpu_user", 1.0, "used_cpu_sys", 0.5), first);
        assertThat(first).as("one reading gives no rate").isEmpty();

        // 10 s later the process used 8 s more (of 4 CPUs: 20 %); the engine 6 s more (of 2 threads: 30 %).
        stat(42, 800, 100);
        Map<String, Double> second = new HashMap<>();
        cpu.add("c/0001", Engine.REDIS, 42, 2, 20_000, Map.of("used_cpu_user", 5.5, "used_cpu_sys", 2.0), second);
        assertThat(second.get("CPUUtilization")).isCloseTo(20.0, within(1e-9));
        assertThat(second.get("EngineCPUUtilization")).isCloseTo(30.0, within(1e-9));

        // A restarted node (another pid) starts over; memcached nodes have no engine figure.
        stat(77, 500, 0);
        Map<String, Double> restarted = new HashMap<>();
        cpu.add("c/0001", Engine.MEMCACHED, 77, 1, 30_000, Map.of(), restarted);
        assertThat(restarted).isEmpty();
        stat(77, 600, 0);
        Map<String, Double> memcached = new HashMap<>();
        cpu.add("c/0001", Engine.MEMCACHED, 77, 1, 40_000, Map.of(), memcached);
        assertThat(memcached).containsOnlyKeys("CPUUtilization");
        assertThat(memcached.get("CPUUtilization")).isCloseTo(2.5, within(1e-9));
    }
}
