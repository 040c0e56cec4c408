package io.larder.control.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    Store open() {
        return JdbcStore.sqlite(dir.resolve("state.db"));
    }
}
