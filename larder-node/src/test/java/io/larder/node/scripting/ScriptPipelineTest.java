package io.larder.node.scripting;

import io.larder.node.testing.LarderTestBase;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Scripts run on the script thread: pipelined replies still come back in request order; MONITOR sees them. */
class ScriptPipelineTest extends LarderTestBase {
    private static byte[] cmd(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return RawClient.encode(bytes);
    }

    @Test
    void pipelinedScriptsAndCommandsReplyInOrder() throws Exception {
        try (RawClient c = new RawClient(larder.port())) {
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            pipeline.writeBytes(cmd("SET", "p", "0"));
            for (int i = 0; i < 50; i++) {
                pipeline.writeBytes(cmd("EVAL", "return redis.call('incr', KEYS[1])", "1", "p"));
                pipeline.writeBytes(cmd("GET", "p"));
                pipeline.writeBytes(cmd("NOSUCHCOMMAND"));
                pipeline.writeBytes(cmd("EVAL", "return redis.call('incr', KEYS[1])", "1", "p"));
            }
            c.sendRaw(pipeline.toByteArray());
            assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            for (int i = 0; i < 50; i++) {
                assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).isEqualTo(":" + (2 * i + 1) + "\r\n");
                String value = Integer.toString(2 * i + 1);
                assertThat(new String(c.readReply(), StandardCharsets.UTF_8))
                        .isEqualTo("$" + value.length() + "\r\n" + value + "\r\n");
                assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).startsWith("-ERR unknown command");
                assertThat(new String(c.readReply(), StandardCharsets.UTF_8)).isEqualTo(":" + (2 * i + 2) + "\r\n");
            }
        }
    }

    @Test
    void monitorShowsTheScriptThenItsCommands() throws Exception {
        try (RawClient monitor = new RawClient(larder.port()); RawClient c = new RawClient(larder.port())) {
            assertThat(monitor.callText("MONITOR")).isEqualTo("+OK\r\n");
            c.callText("EVAL", "redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])", "1", "mk");
            assertThat(new String(monitor.readReply(), StandardCharsets.UTF_8))
                    .endsWith("] \"EVAL\" \"redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])\" \"1\" \"mk\"\r\n");
            assertThat(new String(monitor.readReply(), StandardCharsets.UTF_8)).endsWith(" [0 lua] \"set\" \"mk\" \"v\"\r\n");
            assertThat(new String(monitor.readReply(), StandardCharsets.UTF_8)).endsWith(" [0 lua] \"get\" \"mk\"\r\n");
        }
    }

    @Test
    void scriptsInsideMultiRunInExec() throws Exception {
        try (RawClient c = new RawClient(larder.port())) {
            assertThat(c.callText("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.callText("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "m", "v")).isEqualTo("+QUEUED\r\n");
            assertThat(c.callText("EVAL", "return redis.call('get', KEYS[1])", "1", "m")).isEqualTo("+QUEUED\r\n");
            assertThat(c.callText("EXEC")).isEqualTo("*2\r\n+OK\r\n$1\r\nv\r\n");
        }
    }
}
