package io.larder.node.scripting;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FUNCTION DUMP payloads: Redis's checksum, Redis's own (LZF-compressed) payloads, round trips, damage. */
class FunctionDumpTest {
    /**
     * FUNCTION DUMP of redis-server 7.0.15 holding libraries l1, l2 and a 30-function library "big", whose code
     * Redis LZF-compressed.
     */
    private static final String REDIS_PAYLOAD =
            "f5c3416546a81f23216c7561206e616d653d6269670a72656469732e72656769737465725f66750c6e6374696f6e2827" +
            "6630272c20e0000e0e292072657475726e203020656e6429e012360031e00c360031e017360032e00c360032e0173600" +
            "33e00c360033e017360034e00c360034e017360035e00c360035e017360036e00c360036e017360037e00c360037e017" +
            "360038e00c360038e017360039e00c360039e017360031e20d260031e21927e20e28e218290031e20d2a0031e2182b00" +
            "31e20d2c0031e2182d0031e20d2e0031e2182f0031e20d300031e218310031e20d320031e218330031e20d340031e218" +
            "350031e20d360031e218370031e20d380031e218390032e20d390032e218390032e20d390032e218390032e20d390032" +
            "e218390032e20d390032e218390032e20d390032e218390032e20d390032e218390032e20d390032e218390032e20d39" +
            "0032e218390032e20d390032e218390032e20d3900324239016429f5404323216c7561206e616d653d6c310a72656469" +
            "732e72656769737465725f66756e6374696f6e282766272c2066756e6374696f6e28292072657475726e203120656e64" +
            "29f5404323216c7561206e616d653d6c320a72656469732e72656769737465725f66756e6374696f6e282267222c2066" +
            "756e6374696f6e28292072657475726e203220656e64290a006011d4fbdf5df24a";

    @Test
    void crc64IsRedisJonesVariant() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(FunctionDump.crc64(check, check.length)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void readsRedisCompressedPayload() throws Exception {
        List<byte[]> codes = FunctionDump.restore(HexFormat.of().parseHex(REDIS_PAYLOAD));
        assertThat(codes).hasSize(3);
        byte[] big = codes.stream().filter(c -> new String(c, StandardCharsets.UTF_8).startsWith("#!lua name=big"))
                .findFirst().orElseThrow();
        StringBuilder expected = new StringBuilder("#!lua name=big\n");
        for (int i = 0; i < 30; i++) {
            expected.append(i == 0 ? "" : "\n").append("redis.register_function('f").append(i)
                    .append("', function() return ").append(i).append(" end)");
        }
        assertThat(new String(big, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void roundTrip() throws Exception {
        List<byte[]> codes = List.of("#!lua name=a\nx".getBytes(StandardCharsets.UTF_8),
                "#!lua name=b\n".concat("y".repeat(20000)).getBytes(StandardCharsets.UTF_8));
        List<byte[]> back = FunctionDump.restore(FunctionDump.dump(codes));
        assertThat(back).hasSize(2);
        assertThat(back.get(0)).isEqualTo(codes.get(0));
        assertThat(back.get(1)).isEqualTo(codes.get(1));
        assertThat(FunctionDump.restore(FunctionDump.dump(List.of()))).isEmpty();
    }

    @Test
    void damagedPayloadsAreRefused() {
        byte[] payload = FunctionDump.dump(List.of("#!lua name=a\nx".getBytes(StandardCharsets.UTF_8)));
        payload[3] ^= 1;
        assertThatThrownBy(() -> FunctionDump.restore(payload)).hasMessage("ERR DUMP payload version or checksum are wrong");
        assertThatThrownBy(() -> FunctionDump.restore(new byte[5])).hasMessage("ERR DUMP payload version or checksum are wrong");
    }
}
