package io.larder.node.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A command that fails inside must not cost the client its connection or leave half a reply behind. */
class CommandFailureTest {
    @Test
    void aThrowingCommandRepliesWithAnErrorAndTheConnectionGoesOn() throws Exception {
        try (LarderServer larder = LarderServer.start()) {
            larder.node().commands().register(CommandSpec.builder("larder-broken", 2).flags("write").keys(1, 1, 1)
                    .handler((c, args) -> {
                        c.reply().array(2);
                        c.reply().bulk("half");
                        throw new IllegalStateException("bug");
                    }).build());
            try (RawClient client = new RawClient(larder.port())) {
                assertThat(client.callText("larder-broken", "k"))
                        .isEqualTo("-ERR internal error while running 'larder-broken': IllegalStateException\r\n");
                assertThat(client.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
                assertThat(client.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
            }
        }
    }
}
