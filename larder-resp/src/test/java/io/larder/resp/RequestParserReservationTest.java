package io.larder.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser asks its limits for room before reading big arguments, and gives it all back. */
class RequestParserReservationTest {
    /** Limits with a budget shared by parsers, as a node's client budget. */
    private static final class Budget implements RequestLimits {
        final long size;
        long reserved;
        long peak;

        Budget(long size) {
            this.size = size;
        }

        @Override
        public long maxBulkLength() {
            return 512L << 20;
        }

        @Override
        public long maxQueryBuffer() {
            return 1L << 30;
        }

        @Override
        public boolean authRequired() {
            return false;
        }

        @Override
        public boolean reserve(long bytes) {
            if (reserved + bytes > size) {
                return false;
            }
            reserved += bytes;
            peak = Math.max(peak, reserved);
            return true;
        }

        @Override
        public void release(long bytes) {
            reserved -= bytes;
        }
    }

    private static ByteBuf wire(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void smallRequestsReserveNothing() throws Exception {
        Budget budget = new Budget(0);
        RequestParser parser = new RequestParser(budget);
        for (int i = 0; i < 1000; i++) {
            assertThat(parser.parse(wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n")).length).isEqualTo(3);
        }
        assertThat(budget.peak).isZero();
    }

    @Test
    void aBigArgumentIsReservedWhileReadAndReleasedOnceParsed() throws Exception {
        Budget budget = new Budget(10L << 20);
        RequestParser parser = new RequestParser(budget);
        int size = 200_000;
        ByteBuf in = wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + size + "\r\n" + "x".repeat(size / 2));
        assertThat(parser.parse(in)).isNull();
        assertThat(budget.reserved).isGreaterThanOrEqualTo(size);
        assertThat(parser.reservedBytes()).isEqualTo(budget.reserved);
        byte[][] args = parser.parse(wire("x".repeat(size / 2) + "\r\n"));
        assertThat(args[2]).hasSize(size);
        assertThat(budget.reserved).isZero();
    }

    @Test
    void anArgumentThatDoesNotFitTheBudgetClosesTheConnection() {
        Budget budget = new Budget(1L << 20);
        RequestParser parser = new RequestParser(budget);
        assertThatThrownBy(() -> parser.parse(wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (2 << 20) + "\r\n")))
                .isInstanceOf(RequestParser.QueryBufferOverflow.class);
        assertThat(budget.reserved).isZero();
    }

    @Test
    void aLongRequestOfSmallArgumentsReservesAsItGrows() throws Exception {
        Budget budget = new Budget(64L << 20);
        RequestParser parser = new RequestParser(budget);
        int count = 20_000;
        String value = "v".repeat(1000);
        StringBuilder request = new StringBuilder("*" + (count + 1) + "\r\n$5\r\nRPUSH\r\n");
        for (int i = 0; i < count; i++) {
            request.append("$1000\r\n").append(value).append("\r\n");
        }
        String text = request.toString();
        ByteBuf in = Unpooled.buffer(); // the connection's cumulation: unparsed bytes stay in it
        in.writeBytes(text.substring(0, text.length() / 2).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(parser.parse(in)).isNull();
        assertThat(budget.reserved).as("about half of 20 MB held so far").isGreaterThan(8L << 20);
        in.writeBytes(text.substring(text.length() / 2).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(parser.parse(in).length).isEqualTo(count + 1);
        assertThat(budget.reserved).isZero();
    }

    @Test
    void closingMidRequestGivesTheRoomBack() throws Exception {
        Budget budget = new Budget(10L << 20);
        RequestParser parser = new RequestParser(budget);
        assertThat(parser.parse(wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\nxyz"))).isNull();
        assertThat(budget.reserved).isPositive();
        parser.close();
        assertThat(budget.reserved).isZero();
    }
}
