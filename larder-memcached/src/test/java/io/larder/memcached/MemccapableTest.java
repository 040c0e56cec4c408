package io.larder.memcached;

import io.larder.memcached.testing.LarderMemcached;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** libmemcached's memccapable (Debian's memcapable) against Larder: every ASCII and binary test must pass. */
class MemccapableTest {
    @Test
    void everyAsciiAndBinaryTestPasses() throws Exception {
        try (LarderMemcached larder = LarderMemcached.start()) {
            Process p = new ProcessBuilder("memccapable", "-h", "127.0.0.1", "-p", String.valueOf(larder.port()))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            List<String> results = output.lines().filter(l -> l.matches("^(ascii|binary) .*\\[\\w+]\\s*$")).toList();
            assertThat(results.stream().filter(l -> l.startsWith("ascii"))).hasSizeGreaterThanOrEqualTo(27);
            assertThat(results.stream().filter(l -> l.startsWith("binary"))).hasSizeGreaterThanOrEqualTo(27);
            assertThat(results).as(output).allMatch(l -> l.endsWith("[pass]"));
            assertThat(output).contains("All tests passed");
            assertThat(p.exitValue()).isZero();
        }
    }
}
