package io.larder.node.scripting;

import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long script: other clients wait, then get BUSY once it passes busy-reply-threshold, from both event loops;
 * SCRIPT KILL stops a script that has not written and is refused (UNKILLABLE) for one that has.
 */
class BusyScriptTest extends LarderTestBase {
    private static final String BUSY =
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    @Override
    protected String[] serverOptions() {
        return new String[] {"--busy-reply-threshold", "100"};
    }

    private CompletableFuture<String> evalAsync(RawClient client, String script) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.callText("EVAL", script, "0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void awaitBusy(RawClient probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!probe.callText("PING").equals(BUSY)) {
            assertThat(System.nanoTime()).as("BUSY within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void busyFromEveryConnectionThenScriptKill() throws Exception {
        try (RawClient runner = new RawClient(larder.port())) {
            List<RawClient> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) { // connections are spread over both event loops
                others.add(new RawClient(larder.port()));
            }
            try {
                CompletableFuture<String> result = evalAsync(runner, "while true do end");
                awaitBusy(others.get(0));
                for (RawClient other : others) {
                    assertThat(other.callText("GET", "x")).isEqualTo(BUSY);
                    assertThat(other.callText("EVAL", "return 1", "0")).isEqualTo(BUSY);
                }
                assertThat(others.get(1).callText("FUNCTION", "KILL")).isEqualTo(BUSY);
                assertThat(others.get(1).callText("FUNCTION", "STATS")).isEqualTo(BUSY);
                assertThat(others.get(3).callText("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
                assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(
                        "-ERR Script killed by user with SCRIPT KILL... script: "
                                + "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.\r\n");
                for (RawClient other : others) {
                    assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
                }
                assertThat(others.get(2).callText("SCRIPT", "KILL"))
                        .isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
            } finally {
                for (RawClient other : others) {
                    other.close();
                }
            }
        }
    }

    @Test
    void scriptAllocatingWithoutLimitIsKilledAndTheNodeKeepsServing() throws Exception {
        try (RawClient runner = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            CompletableFuture<String> result =
                    evalAsync(runner, "local t = {} while true do t[#t + 1] = string.rep('x', 1000) .. #t end");
            awaitBusy(other);
            assertThat(other.callText("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
            assertThat(result.get(5, TimeUnit.SECONDS)).startsWith("-ERR Script killed by user with SCRIPT KILL...");
            // The Lua state survives the kill: the next script runs (and allocates) normally.
            assertThat(other.callText("EVAL", "return #string.rep('y', 1000000)", "0")).isEqualTo(":1000000\r\n");
            assertThat(runner.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void scriptThatWroteIsUnkillable() throws Exception {
        try (RawClient runner = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            // Writes, then spins for 700 ms of server time.
            String script = "redis.call('set','written','1') "
                    + "local t = redis.call('time') local start = t[1] * 1000000 + t[2] "
                    + "while true do local n = redis.call('time') "
                    + "if n[1] * 1000000 + n[2] - start > 700000 then break end end return 'done'";
            CompletableFuture<String> result = evalAsync(runner, script);
            awaitBusy(other);
            assertThat(other.callText("SCRIPT", "KILL")).startsWith("-UNKILLABLE Sorry the script already executed write");
            assertThat(other.callText("SHUTDOWN")).isEqualTo(BUSY); // only SHUTDOWN NOSAVE may stop it
            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("$4\r\ndone\r\n");
            assertThat(other.callText("GET", "written")).isEqualTo("$1\r\n1\r\n");
        }
    }

    @Test
    void commandsWaitForShortScripts() throws Exception {
        try (RawClient runner = new RawClient(larder.port()); RawClient other = new RawClient(larder.port())) {
            // 50 ms, far under the threshold (raised for this test: the machine may be loaded), so the other
            // client is answered after it, not refused.
            assertThat(other.callText("CONFIG", "SET", "busy-reply-threshold", "5000")).isEqualTo("+OK\r\n");
            String script = "local t = redis.call('time') local start = t[1] * 1000000 + t[2] "
                    + "while true do local n = redis.call('time') "
                    + "if n[1] * 1000000 + n[2] - start > 50000 then break end end return 1";
            CompletableFuture<String> result = evalAsync(runner, script);
            for (int i = 0; i < 20; i++) {
                assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
            }
            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(":1\r\n");
            assertThat(other.callText("CONFIG", "SET", "busy-reply-threshold", "100")).isEqualTo("+OK\r\n");
        }
    }
}
