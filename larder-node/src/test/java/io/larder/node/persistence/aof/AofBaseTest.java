package io.larder.node.persistence.aof;

import io.larder.engine.hash.HashLimits;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.rdb.RdbSnapshot;
import io.larder.engine.rdb.RdbTypes;
import io.larder.engine.rdb.RdbValues;
import io.larder.engine.set.SetLimits;
import io.larder.engine.zset.ZSetLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The command form of a rewrite's base ({@code aof-use-rdb-preamble no}), made from an RDB image. */
class AofBaseTest {
    private static final RdbValues.Limits LIMITS = new RdbValues.Limits(new HashLimits(128, 64),
            new SetLimits(512, 128, 64), new ZSetLimits(128, 64), -2);

    /**
     * A key whose TTL passes between the snapshot point and the writing of the base is still written, with its
     * PEXPIREAT, as Redis's rewrite writes every key it holds: a PERSIST logged meanwhile to the new incremental
     * file must find it when the files are replayed.
     */
    @Test
    void keysWhoseTtlHasPassedAreWrittenWithTheirExpiry() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Keyspace keyspace = new Keyspace(16, now::get);
        keyspace.lockAll();
        try {
            keyspace.db(0).put(bytes("passing"), bytes("v"), 1_000_500, false);
            keyspace.db(0).put(bytes("passed"), bytes("v"), 999_000, false); // never looked up since
            keyspace.db(3).put(bytes("plain"), bytes("v"));
        } finally {
            keyspace.unlockAll();
        }
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        new RdbSnapshot(keyspace, RdbTypes.VERSION, false).writeTo(image, Map.of(), true);
        now.set(2_000_000); // the base is written after both TTLs passed

        ByteArrayOutputStream base = new ByteArrayOutputStream();
        AofBase.fromImage(new ByteArrayInputStream(image.toByteArray()), Channels.newChannel(base), LIMITS, 16);

        String commands = base.toString(StandardCharsets.UTF_8).replace("\r\n", " ");
        assertThat(commands)
                .contains("*3 $3 SET $7 passing $1 v *3 $9 PEXPIREAT $7 passing $7 1000500 ")
                .contains("*3 $3 SET $6 passed $1 v *3 $9 PEXPIREAT $6 passed $6 999000 ")
                .contains("*2 $6 SELECT $1 3 *3 $3 SET $5 plain $1 v ");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
