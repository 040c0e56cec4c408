package io.larder.control.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract on a real PostgreSQL server, one fresh database per test. */
class PostgresStoreTest extends StoreContractTest {
    private static PostgresServer server;
    private String url;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        url = server.newDatabase();
    }

    @Override
    Store open() {
        return JdbcStore.postgres(url);
    }

    @Test
    void oneControlPlanePerDatabase() {
        try (Store first = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another control plane").hasMessageContaining(url);
            assertThat(first.clusters()).isEmpty();
        }
        open().close();
    }

    @Test
    void aBadUrlIsRefusedAndAPasswordIsNotRepeated() {
        assertThatThrownBy(() -> JdbcStore.postgres("jdbc:mysql://x/y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbcStore.postgres(server.url("nosuchdb") + "&password=hunter2"))
                .isInstanceOf(StoreException.class).hasMessageContaining("password=***").hasMessageNotContaining("hunter2");
    }

    @Test
    void aLostConnectionIsReopenedAndTheLockTakenAgain() throws Exception {
        try (Store s = open()) {
            s.putMeta("k", "v");
            server.restart();
            assertThatThrownBy(() -> s.meta("k")).as("the call that finds the connection cut").isInstanceOf(StoreException.class);
            assertThat(s.meta("k")).contains("v");
            assertThatThrownBy(this::open).as("the new connection holds the lock").isInstanceOf(IllegalStateException.class);
        }
    }
}
