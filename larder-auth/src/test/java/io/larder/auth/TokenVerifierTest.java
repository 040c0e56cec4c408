package io.larder.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {
    private static final long NOW = 1_800_000_000_123L;
    private static final KeyPair KEY = TokenKeys.generate();
    private static final KeyPair OTHER = TokenKeys.generate();
    private final TokenVerifier verifier = new TokenVerifier(List.of(KEY.getPublic()));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private TokenVerifier.Failure failure(String user, String token, long now) {
        return verifier.verify(user, bytes(token), now).failure();
    }

    @Test
    void aFreshTokenIsAcceptedWithItsClaims() {
        String token = AuthToken.mint(KEY.getPrivate(), "app", 900, NOW);
        assertThat(token).startsWith("lt1.").hasSizeLessThan(130).matches("[A-Za-z0-9_.-]+");
        TokenVerifier.Verdict v = verifier.verify("app", bytes(token), NOW);
        assertThat(v.accepted()).isTrue();
        assertThat(v.token()).isEqualTo(new AuthToken("app", NOW / 1000, NOW / 1000 + 900));
        // Valid for its whole life, refused from its expiry second on: a replay after expiry fails.
        assertThat(failure("app", token, (NOW / 1000 + 900) * 1000 - 1)).isNull();
        assertThat(failure("app", token, (NOW / 1000 + 900) * 1000)).isEqualTo(TokenVerifier.Failure.EXPIRED);
        assertThat(failure("app", token, NOW + 3_600_000)).isEqualTo(TokenVerifier.Failure.EXPIRED);
    }

    @Test
    void aTokenSignedByAnotherKeyIsForged() {
        String token = AuthToken.mint(OTHER.getPrivate(), "app", 60, NOW);
        assertThat(failure("app", token, NOW)).isEqualTo(TokenVerifier.Failure.BAD_SIGNATURE);
    }

    @Test
    void claimsAreCheckedBeforeTheCostlySignature() {
        String forged = AuthToken.mint(OTHER.getPrivate(), "app", 60, NOW);
        assertThat(verifier.checkClaims("app", bytes(forged), NOW).accepted()).isTrue();
        assertThat(verifier.signatureValid(bytes(forged))).isFalse();
        // A forged token that fails on its claims is refused for them, without a signature check.
        assertThat(failure("other", forged, NOW)).isEqualTo(TokenVerifier.Failure.WRONG_USER);
        assertThat(failure("app", forged, NOW + 3_600_000)).isEqualTo(TokenVerifier.Failure.EXPIRED);
        String genuine = AuthToken.mint(KEY.getPrivate(), "app", 60, NOW);
        assertThat(verifier.signatureValid(bytes(genuine))).isTrue();
        assertThat(verifier.signatureValid(bytes("lt1.AAAA"))).isFalse();
    }

    @Test
    void aTokenForAnotherUserIsRefused() {
        String token = AuthToken.mint(KEY.getPrivate(), "reporting", 60, NOW);
        assertThat(failure("app", token, NOW)).isEqualTo(TokenVerifier.Failure.WRONG_USER);
        assertThat(failure("App", AuthToken.mint(KEY.getPrivate(), "app", 60, NOW), NOW))
                .isEqualTo(TokenVerifier.Failure.WRONG_USER);
    }

    @Test
    void aTamperedPayloadBreaksTheSignature() {
        String token = AuthToken.mint(KEY.getPrivate(), "app", 60, NOW);
        String[] parts = token.split("\\.");
        byte[] payload = java.util.Base64.getUrlDecoder().decode(parts[1]);
        // Push the expiry ten minutes later (a lifetime still allowed), keep the signature.
        ByteBuffer.wrap(payload).putLong(8, NOW / 1000 + 600);
        String tampered = "lt1." + AuthToken.B64.encodeToString(payload) + "." + parts[2];
        assertThat(failure("app", tampered, NOW)).isEqualTo(TokenVerifier.Failure.BAD_SIGNATURE);
        // Renamed to another user: same.
        String renamed = "lt1." + AuthToken.B64.encodeToString(ByteBuffer.allocate(19).putLong(NOW / 1000)
                .putLong(NOW / 1000 + 60).put(bytes("adm")).array()) + "." + parts[2];
        assertThat(failure("adm", renamed, NOW)).isEqualTo(TokenVerifier.Failure.BAD_SIGNATURE);
    }

    @Test
    void everySingleCharacterChangeIsRefused() {
        String token = AuthToken.mint(KEY.getPrivate(), "app", 60, NOW);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        Random random = new Random(10);
        for (int i = 0; i < token.length(); i++) {
            char replacement;
            do {
                replacement = alphabet.charAt(random.nextInt(alphabet.length()));
            } while (replacement == token.charAt(i));
            String changed = token.substring(0, i) + replacement + token.substring(i + 1);
            assertThat(failure("app", changed, NOW)).as("position %d", i).isNotNull();
        }
        assertThat(failure("app", token + "A", NOW)).isNotNull();
        assertThat(failure("app", token.substring(0, token.length() - 1), NOW)).isNotNull();
        assertThat(failure("app", token + "=", NOW)).isNotNull();
    }

    @Test
    void malformedInputIsRefusedWithoutFuss() {
        for (String bad : List.of("", "lt1.", "lt1..", "lt2." + "A".repeat(40), "password", "lt1.AAAA",
                "lt1.AAAA.BBBB", "lt1.!!!!.AAAA", "x".repeat(5000), "lt1." + "A".repeat(2000) + ".AA")) {
            assertThat(failure("app", bad, NOW)).as(bad).isEqualTo(TokenVerifier.Failure.MALFORMED);
        }
        // Another version's prefix, even validly signed, is not this format.
        String token = AuthToken.mint(KEY.getPrivate(), "app", 60, NOW);
        assertThat(failure("app", "lt2." + token.substring(4), NOW)).isEqualTo(TokenVerifier.Failure.MALFORMED);
        // Random bytes never pass.
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            if (random.nextBoolean() && junk.length >= 4) {
                System.arraycopy(bytes("lt1."), 0, junk, 0, 4);
            }
            assertThat(verifier.verify("app", junk, NOW).accepted()).isFalse();
        }
    }

    @Test
    void twoKeysAreAcceptedDuringRotation() {
        TokenVerifier rotating = new TokenVerifier(List.of(OTHER.getPublic(), KEY.getPublic()));
        String old = AuthToken.mint(KEY.getPrivate(), "app", 60, NOW);
        String fresh = AuthToken.mint(OTHER.getPrivate(), "app", 60, NOW);
        assertThat(rotating.verify("app", bytes(old), NOW).accepted()).isTrue();
        assertThat(rotating.verify("app", bytes(fresh), NOW).accepted()).isTrue();
        // Once the old key is dropped its tokens are refused.
        TokenVerifier rotated = new TokenVerifier(List.of(OTHER.getPublic()));
        assertThat(rotated.verify("app", bytes(old), NOW).failure()).isEqualTo(TokenVerifier.Failure.BAD_SIGNATURE);
        assertThat(new TokenVerifier(List.of()).verify("app", bytes(old), NOW).failure())
                .isEqualTo(TokenVerifier.Failure.NO_KEYS);
    }

    @Test
    void lifetimeAndClockRulesHoldEvenForValidlySignedTokens() throws Exception {
        long now = NOW / 1000;
        assertThat(failure("app", signed(KEY.getPrivate(), now, now + 901, bytes("app")), NOW))
                .isEqualTo(TokenVerifier.Failure.TOO_LONG_LIVED);
        assertThat(failure("app", signed(KEY.getPrivate(), now, now, bytes("app")), NOW))
                .isEqualTo(TokenVerifier.Failure.TOO_LONG_LIVED);
        assertThat(failure("app", signed(KEY.getPrivate(), now + 61, now + 120, bytes("app")), NOW))
                .isEqualTo(TokenVerifier.Failure.NOT_YET_VALID);
        assertThat(failure("app", signed(KEY.getPrivate(), now + 60, now + 120, bytes("app")), NOW)).isNull();
        assertThat(failure("app", signed(KEY.getPrivate(), now, now + 60, new byte[] {'a', (byte) 0xff, 'p'}), NOW))
                .isEqualTo(TokenVerifier.Failure.MALFORMED);
    }

    @Test
    void mintingRefusesLongLifetimesAndEmptyNames() {
        assertThatThrownBy(() -> AuthToken.mint(KEY.getPrivate(), "app", 901, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthToken.mint(KEY.getPrivate(), "app", 0, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthToken.mint(KEY.getPrivate(), "", 60, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthToken.mint(KEY.getPrivate(), "u".repeat(513), 60, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        String longest = AuthToken.mint(KEY.getPrivate(), "u".repeat(512), 900, NOW);
        assertThat(verifier.verify("u".repeat(512), bytes(longest), NOW).accepted()).isTrue();
    }

    @Test
    void keysRoundTripThroughPemFiles(@TempDir Path dir) throws Exception {
        KeyPair pair = TokenKeys.generate();
        Path priv = Files.writeString(dir.resolve("k.pem"), TokenKeys.privatePem(pair.getPrivate()));
        Path pub = Files.writeString(dir.resolve("k.pub"), TokenKeys.publicPem(pair.getPublic()));
        String token = AuthToken.mint(TokenKeys.readPrivate(priv), "app", 60, NOW);
        assertThat(new TokenVerifier(List.of(TokenKeys.readPublic(pub))).verify("app", bytes(token), NOW).accepted())
                .isTrue();
        assertThatThrownBy(() -> TokenKeys.readPublic(priv)).hasMessageContaining("PUBLIC KEY");
        Path rsa = Files.writeString(dir.resolve("rsa.pub"), TokenKeys.publicPem(
                java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic()));
        assertThatThrownBy(() -> TokenKeys.readPublic(rsa)).hasMessageContaining("no Ed25519 public key");
    }

    /** A token with any claims, signed as the control plane would (mint itself refuses such lifetimes). */
    private static String signed(PrivateKey key, long issued, long expires, byte[] name) throws Exception {
        String text = "lt1." + AuthToken.B64.encodeToString(ByteBuffer.allocate(16 + name.length).putLong(issued)
                .putLong(expires).put(name).array());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(text.getBytes(StandardCharsets.US_ASCII));
        return text + "." + AuthToken.B64.encodeToString(s.sign());
    }
}
