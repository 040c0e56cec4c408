package io.larder.cli.control;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterNameValuesTest {
    @Test
    void shorthandAsTheAwsCliTakesIt() {
        assertThat(ParameterNameValues.parse(List.of("ParameterName=activedefrag, ParameterValue=no",
                "ParameterName=databases,ParameterValue=32")))
                .containsExactly(Map.of("ParameterName", "activedefrag", "ParameterValue", "no"),
                        Map.of("ParameterName", "databases", "ParameterValue", "32"));
        assertThat(ParameterNameValues.parse(List.of("ParameterName=timeout")))
                .containsExactly(Map.of("ParameterName", "timeout"));
    }

    @Test
    void aValueMayHoldCommasAndEqualSigns() {
        assertThat(ParameterNameValues.parse(List.of("ParameterName=x,ParameterValue=a,b=c")))
                .containsExactly(Map.of("ParameterName", "x", "ParameterValue", "a,b=c"));
    }

    @Test
    void jsonList() {
        assertThat(ParameterNameValues.parse(List.of(
                "[{\"ParameterName\": \"timeout\", \"ParameterValue\": \"60\"}, {\"ParameterName\": \"databases\"}]")))
                .containsExactly(Map.of("ParameterName", "timeout", "ParameterValue", "60"),
                        Map.of("ParameterName", "databases"));
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> ParameterNameValues.parse(List.of("timeout=60")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 'timeout=60'");
        assertThatThrownBy(() -> ParameterNameValues.parse(List.of("[{\"ParameterName\": ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }
}
