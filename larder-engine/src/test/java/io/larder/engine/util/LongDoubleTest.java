package io.larder.engine.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** INCRBYFLOAT arithmetic; every expected value here was read from redis-server 7.0 (SET k a; INCRBYFLOAT k b). */
class LongDoubleTest {
    private static final String TEN_TO_400 = "10000000000000000000281880683947586514586453433629052038625910693539685534"
            + "0086298620393639948483241605220940539273176162002958227772592557340238289765933406610177974474345461739"
            + "1786244811667497172377894382439159333804747067502624668440135923751360383034373548550524495596497902182"
            + "5038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343"
            + "732497430221946880";
    private static final String NEAR_1E308 = "99999999999999999996685879655845645660560099847415567207797047994921734"
            + "8688380618721001269218885393204467472250540132231521347495939605835974208144301964187679591000196031907"
            + "7866310960450710666793915339578893891456054356306126836490161863021708658925344488162379130085575731814"
            + "2424510452728255046343928578048";

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "10.5|0.1|10.6",
            "0|5.0e3|5000",
            "0|0.1|0.1",
            "0.1|0.2|0.3",
            "0.3|0.6|0.9",
            "1|-0.9|0.1",
            "3.0e-5|1e-20|0.00003",
            "1.23456789012345678901234567890|0|1.23456789012345679",
            "0|98765432109876543210.5|98765432109876543208",
            "0|9223372036854775807|9223372036854775807",
            "9223372036854775807|1|9223372036854775808",
            "0|18446744073709551617|18446744073709551616",
            "0|18446744073709551619|18446744073709551620",
            "0|18446744073709551621|18446744073709551620",
            "0|18446744073709551623|18446744073709551624",
            "0|36893488147419103235|36893488147419103236",
            "1e19|1.5|10000000000000000002",
            "0|0.000000000000000005|0",
            "0|0.000000000000000015|0.00000000000000002",
            "0|0.000000000000000025|0.00000000000000002",
            "0|-0.000000000000000025|-0.00000000000000002",
            "0|0.000000000000000035|0.00000000000000004",
            "0|1e-4940|0",
            "0|4e-4951|0",
            "0|2e-4951|0",
            "-0|-0|0",
            "0|-0.0000000000000000001|0",
            "0|0x1p-2|0.25",
            "0|0X.8P1|1",
            "0|0x1.00000000000000018p0|1",
            "2.5|-2.5|0",
            "-1.5|0.25|-1.25",
            "0|3.14159265358979323846264338327950288|3.14159265358979324",
            "0|1e-17|0.00000000000000001",
            "0|5e-18|0",
            "0|1.0000000000000000001|1",
            "0|100e-2|1",
    })
    void addsLikeRedis(String current, String increment, String expected) throws Exception {
        assertThat(add(current, increment)).isEqualTo(expected);
    }

    @Test
    void valuesBeyondDoubleRange() throws Exception {
        assertThat(add("0", "1e400")).isEqualTo(TEN_TO_400);
        assertThat(add("5000", "1e308")).isEqualTo(NEAR_1E308);
        assertThat(add("0", "1.1897e4932")).startsWith("118969999999999999997513874144593180795035945240648162925980")
                .hasSize(4933);
        assertThat(add("0", "1.18973149535723176502e4932"))
                .startsWith("118973149535723176502126385303097020516906332229462420044032");
    }

    @Test
    void missingKeyCountsAsZero() throws Exception {
        assertThat(LongDouble.add(null, 0, bytes("2.5"))).isEqualTo("2.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", " 1", "1 ", "\t1", "1e", "1e+", ".", "-", "0x", "0xg", "0x1p", "1.2.3", "1,5",
            "nan", "NaN", "-nan", "nan(1)", "infx", "infin", "1e5000", "-1e5000", "1e-5000", "1e99999999999999999999",
            "0x1p99999", "1\u0000", "\u0000", "1e-4951", "1.8e-4951", "1.19e4932", "1.18973149535723176508e4932"})
    void rejectsWhatStrtoldOrRedisRejects(String operand) {
        assertThatThrownBy(() -> add("0", operand)).isInstanceOf(Numbers.NotANumber.class);
        assertThatThrownBy(() -> add(operand, "0")).isInstanceOf(Numbers.NotANumber.class);
    }

    @Test
    void rejectsOverlongOperands() {
        assertThatThrownBy(() -> add("0", "1" + "0".repeat(5119))).isInstanceOf(Numbers.NotANumber.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inf", "-inf", "Infinity", "+INF", "-infinity"})
    void infinitiesParseButNeverMakeAResult(String operand) {
        assertThatThrownBy(() -> add("0", operand)).isInstanceOf(LongDouble.NotFinite.class);
        assertThatThrownBy(() -> add(operand, "1")).isInstanceOf(LongDouble.NotFinite.class);
    }

    @Test
    void overflowingSumIsNotFinite() {
        assertThatThrownBy(() -> add("1.1e4932", "1.1e4932")).isInstanceOf(LongDouble.NotFinite.class);
    }

    @Test
    void invalidCurrentValueIsReportedBeforeAnInfiniteIncrement() {
        assertThatThrownBy(() -> add("abc", "inf")).isInstanceOf(Numbers.NotANumber.class);
        assertThatThrownBy(() -> add("inf", "abc")).isInstanceOf(Numbers.NotANumber.class);
    }

    private static String add(String current, String increment) throws Exception {
        byte[] c = bytes(current);
        return LongDouble.add(c, c.length, bytes(increment));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
