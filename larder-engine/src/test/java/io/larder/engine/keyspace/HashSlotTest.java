package io.larder.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Slot numbers as a cluster-enabled redis-server 7.0 reports them with CLUSTER KEYSLOT. */
class HashSlotTest {
    private static int slot(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void crc16IsXmodem() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(HashSlot.crc16(check, 0, check.length)).isEqualTo(0x31C3);
    }

    @Test
    void slotsMatchRedis() {
        assertThat(slot("foo")).isEqualTo(12182);
        assertThat(slot("bar")).isEqualTo(5061);
        assertThat(slot("hello")).isEqualTo(866);
        assertThat(slot("123456789")).isEqualTo(12739);
        assertThat(slot("")).isEqualTo(0);
        assertThat(slot("\u00ff\u0080")).isEqualTo(4727);
    }

    @Test
    void hashTags() {
        assertThat(slot("{user1000}.following")).isEqualTo(3443);
        assertThat(slot("foo{bar}{zap}")).isEqualTo(5061); // first tag only: "bar"
        assertThat(slot("foo{}{bar}")).isEqualTo(8363); // empty first tag: the whole key
        assertThat(slot("foo{{bar}}zap")).isEqualTo(4015); // tag is "{bar"
        assertThat(slot("{}")).isEqualTo(15257);
        assertThat(slot("a{b")).isEqualTo(13340); // unclosed: the whole key
    }
}
