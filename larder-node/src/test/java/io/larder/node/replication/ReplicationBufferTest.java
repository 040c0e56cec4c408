package io.larder.node.replication;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationBufferTest {
    private static byte[] readAll(ReplicationBuffer.Cursor c, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (c.next(chunk, out::write)) {
            // keeps reading
        }
        return out.toByteArray();
    }

    @Test
    void cursorsReadTheStreamAcrossBlocksWhateverTheAppendSizes() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            ReplicationBuffer buffer = new ReplicationBuffer(1000, 1 << 20);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ReplicationBuffer.Cursor fromStart = buffer.cursorAtEnd();
            ByteArrayOutputStream readSoFar = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                byte[] unit = new byte[rnd.nextInt(rnd.nextInt(10) == 0 ? 40_000 : 300) + 1];
                rnd.nextBytes(unit);
                buffer.append(unit, 0, unit.length);
                expected.write(unit, 0, unit.length);
                if (rnd.nextBoolean()) { // a reader that keeps up part of the time
                    readSoFar.writeBytes(readAll(fromStart, rnd.nextInt(5000) + 1));
                }
            }
            readSoFar.writeBytes(readAll(fromStart, 777));
            assertThat(readSoFar.toByteArray()).isEqualTo(expected.toByteArray());
            assertThat(buffer.end()).isEqualTo(1000 + expected.size());
            assertThat(fromStart.position()).isEqualTo(buffer.end());

            long at = 1000 + rnd.nextInt(expected.size());
            byte[] tail = readAll(buffer.cursorAt(at), 4096);
            byte[] all = expected.toByteArray();
            assertThat(tail).isEqualTo(Arrays.copyOfRange(all, (int) (at - 1000), all.length));
        }
    }

    @Test
    void theBacklogKeepsAtLeastItsSizeAndForgetsOlderBytes() {
        ReplicationBuffer buffer = new ReplicationBuffer(0, 20_000);
        byte[] unit = new byte[1000];
        for (int i = 0; i < 100; i++) {
            buffer.append(unit, 0, unit.length);
        }
        long histlen = buffer.end() - buffer.start();
        assertThat(histlen).isGreaterThanOrEqualTo(20_000).isLessThan(20_000 + ReplicationBuffer.BLOCK_SIZE);
        assertThat(buffer.cursorAt(buffer.start())).isNotNull();
        assertThat(buffer.cursorAt(buffer.start() - 1)).isNull();
        assertThat(buffer.cursorAt(buffer.end())).isNotNull();
        assertThat(buffer.cursorAt(buffer.end() + 1)).isNull();

        buffer.resize(1);
        assertThat(buffer.end() - buffer.start()).isLessThanOrEqualTo(ReplicationBuffer.BLOCK_SIZE);
    }

    @Test
    void aCursorKeepsWhatTheBacklogDroppedUntilItReadsIt() {
        ReplicationBuffer buffer = new ReplicationBuffer(0, 1);
        ReplicationBuffer.Cursor slow = buffer.cursorAtEnd();
        byte[] unit = new byte[5000];
        for (int i = 0; i < 40; i++) {
            Arrays.fill(unit, (byte) i);
            buffer.append(unit, 0, unit.length);
        }
        assertThat(buffer.start()).isGreaterThan(0);
        byte[] got = readAll(slow, 1 << 20);
        assertThat(got).hasSize(200_000);
        assertThat(got[0]).isEqualTo((byte) 0);
        assertThat(got[199_999]).isEqualTo((byte) 39);
    }
}
