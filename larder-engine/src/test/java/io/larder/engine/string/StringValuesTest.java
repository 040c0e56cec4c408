package io.larder.engine.string;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Encodings as redis-server reports them with OBJECT ENCODING, and the growable representation. */
class StringValuesTest {
    @Test
    void plainArraysAreEncodedByContent() {
        assertThat(StringValues.encoding(b("123"))).isEqualTo("int");
        assertThat(StringValues.encoding(b("-9223372036854775808"))).isEqualTo("int");
        assertThat(StringValues.encoding(b("9223372036854775808"))).isEqualTo("embstr");
        assertThat(StringValues.encoding(b("0123"))).isEqualTo("embstr");
        assertThat(StringValues.encoding(b("x".repeat(44)))).isEqualTo("embstr");
        assertThat(StringValues.encoding(b("x".repeat(45)))).isEqualTo("raw");
    }

    @Test
    void modifiedStringsAreRawAndWholeOnesKeepTheirEncoding() {
        MutableString whole = MutableString.of(b("11"));
        assertThat(StringValues.encoding(whole)).isEqualTo("embstr");
        whole.append(new byte[0]);
        assertThat(StringValues.encoding(whole)).isEqualTo("raw");
        assertThat(StringValues.encoding(MutableString.of(b("y".repeat(45))))).isEqualTo("raw");
    }

    @Test
    void appendsGrowTheBufferGeometrically() {
        MutableString s = MutableString.copyOf(b("ab"), 2, 0);
        int reallocations = 0;
        byte[] last = s.array();
        for (int i = 0; i < 100_000; i++) {
            s.append(b("c"));
            if (s.array() != last) {
                reallocations++;
                last = s.array();
            }
        }
        assertThat(s.length()).isEqualTo(100_002);
        assertThat(reallocations).isLessThan(20);
        assertThat(StringValues.bytes(s)).hasSize(100_002).startsWith(b("abc"));
    }

    @Test
    void writePastTheEndPadsWithZeros() {
        MutableString s = MutableString.copyOf(b("hello"), 5, 0);
        s.write(7, b("xy"));
        assertThat(StringValues.bytes(s)).isEqualTo(new byte[]{'h', 'e', 'l', 'l', 'o', 0, 0, 'x', 'y'});
        s.write(0, b("J"));
        assertThat(StringValues.length(s)).isEqualTo(9);
        assertThat(StringValues.array(s)[0]).isEqualTo((byte) 'J');
    }

    @Test
    void copiesDoNotShareTheBuffer() {
        MutableString s = MutableString.copyOf(b("abc"), 3, 0);
        Object copy = StringValues.copy(s);
        s.append(b("d"));
        assertThat(StringValues.bytes(copy)).isEqualTo(b("abc"));
        assertThat(StringValues.encoding(copy)).isEqualTo("raw");
        byte[] plain = b("x");
        assertThat(StringValues.copy(plain)).isSameAs(plain);
    }

    @Test
    void recognisesBothRepresentationsOnly() {
        assertThat(StringValues.isString(b("a"))).isTrue();
        assertThat(StringValues.isString(MutableString.of(b("a")))).isTrue();
        assertThat(StringValues.isString(new Object())).isFalse();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
