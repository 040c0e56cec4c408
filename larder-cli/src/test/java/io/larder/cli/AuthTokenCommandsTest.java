package io.larder.cli;

import io.larder.auth.TokenKeys;
import io.larder.auth.TokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AuthTokenCommandsTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new Larder()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private boolean verifies(Path publicKey, String user, String token) throws Exception {
        return new TokenVerifier(List.of(TokenKeys.readPublic(publicKey)))
                .verify(user, token.getBytes(StandardCharsets.US_ASCII), System.currentTimeMillis()).accepted();
    }

    @Test
    void generatesAKeyPairAndTokensThatNodesAccept() throws Exception {
        Path priv = dir.resolve("signing.pem");
        Path pub = dir.resolve("signing.pub");
        assertThat(run("generate-auth-token-key", "--private-key-file", priv.toString(), "--public-key-file",
                pub.toString())).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(run("generate-auth-token", "--user", "app", "--key-file", priv.toString(), "--ttl", "60")).isZero();
        String token = out.toString().strip();
        assertThat(token).startsWith("lt1.");
        assertThat(verifies(pub, "app", token)).isTrue();
        assertThat(verifies(pub, "other", token)).isFalse();
        // Keys are never overwritten.
        assertThat(run("generate-auth-token-key", "--private-key-file", priv.toString(), "--public-key-file",
                dir.resolve("x.pub").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("exists already");
        assertThat(verifies(pub, "app", token)).isTrue();
    }

    @Test
    void refusesLifetimesOverFifteenMinutesAndBadKeys() throws Exception {
        Path priv = dir.resolve("k.pem");
        assertThat(run("generate-auth-token-key", "--private-key-file", priv.toString(), "--public-key-file",
                dir.resolve("k.pub").toString())).isZero();
        assertThat(run("generate-auth-token", "--user", "app", "--key-file", priv.toString(), "--ttl", "901"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("ttl must be 1 to 900 seconds");
        assertThat(run("generate-auth-token", "--user", "app", "--key-file", dir.resolve("k.pub").toString()))
                .isEqualTo(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void signsEitherWithAKeyFileOrThroughTheControlPlaneNeverBothOrNeither() throws Exception {
        Path priv = dir.resolve("k.pem");
        assertThat(run("generate-auth-token-key", "--private-key-file", priv.toString(), "--public-key-file",
                dir.resolve("k.pub").toString())).isZero();
        assertThat(run("generate-auth-token", "--user", "app")).isEqualTo(2);
        assertThat(run("generate-auth-token", "--user", "app", "--key-file", priv.toString(), "--cache-cluster-id",
                "c")).isEqualTo(2);
        assertThat(err.toString()).contains("give either --cache-cluster-id or --key-file");
        // Port 1 on loopback: nothing listens there.
        assertThat(run("generate-auth-token", "--user", "app", "--cache-cluster-id", "c", "--endpoint-url",
                "http://127.0.0.1:1")).isEqualTo(254);
        assertThat(err.toString()).contains("(EndpointConnectionError) when calling the GenerateAuthToken operation");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void acceptsKeysMadeByOpenssl() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path priv = dir.resolve("o.pem");
        Path pub = dir.resolve("o.pub");
        assertThat(new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.toString())
                .inheritIO().start().waitFor()).isZero();
        assertThat(new ProcessBuilder("openssl", "pkey", "-in", priv.toString(), "-pubout", "-out", pub.toString())
                .inheritIO().start().waitFor()).isZero();
        assertThat(run("generate-auth-token", "--user", "app", "--key-file", priv.toString())).isZero();
        assertThat(verifies(pub, "app", out.toString().strip())).isTrue();
    }
}
