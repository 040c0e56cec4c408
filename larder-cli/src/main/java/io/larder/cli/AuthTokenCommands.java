package io.larder.cli;

import io.larder.auth.AuthToken;
import io.larder.auth.TokenKeys;
import io.larder.cli.control.ApiClient;
import io.larder.cli.control.SecurityVerbs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/** Short-lived signed auth tokens for users of a node's larder-token-users (docs/security.md). */
final class AuthTokenCommands {
    private AuthTokenCommands() {
    }

    @Command(name = "generate-auth-token", mixinStandardHelpOptions = true,
            description = "Print a signed auth token for a token-authenticated user: AUTH <user> <token>. Either the "
                    + "control plane signs it (--cache-cluster-id, for one of the cluster's token users) or this "
                    + "command does, with a key file (--key-file).")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--user", required = true, description = "the user the token logs in as")
        String user;

        @Option(names = "--key-file",
                description = "the signing key: an Ed25519 private key in PEM (PKCS#8)")
        Path keyFile;

        @Option(names = "--cache-cluster-id", description = "ask the control plane for a token of this cluster")
        String clusterId;

        @Option(names = "--endpoint-url", paramLabel = "URL",
                description = "with --cache-cluster-id: the control plane (default: $LARDER_ENDPOINT_URL or the local one)")
        String endpointUrl;

        @Option(names = "--ttl", defaultValue = "900",
                description = "seconds the token is valid, 1 to 900 (default: ${DEFAULT-VALUE})")
        long ttlSeconds;

        @Override
        public Integer call() {
            if ((keyFile == null) == (clusterId == null)) {
                spec.commandLine().getErr().println("generate-auth-token: give either --cache-cluster-id or --key-file");
                return 2;
            }
            try {
                String token = clusterId != null
                        ? SecurityVerbs.authToken(endpointUrl, clusterId, user, ttlSeconds)
                        : AuthToken.mint(TokenKeys.readPrivate(keyFile), user, ttlSeconds, System.currentTimeMillis());
                spec.commandLine().getOut().println(token);
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("generate-auth-token: " + e.getMessage());
                return 1;
            } catch (ApiClient.ApiError e) {
                spec.commandLine().getErr().println("An error occurred (" + e.code() + ") when calling the "
                        + "GenerateAuthToken operation: " + e.getMessage());
                return 254;
            }
        }
    }

    @Command(name = "generate-auth-token-key", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 key pair for auth tokens: the private key signs (keep it with the "
                    + "control plane), the public key goes to nodes' larder-token-public-key-file.")
    static final class GenerateKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--private-key-file", required = true, description = "where to write the private key (PEM)")
        Path privateFile;

        @Option(names = "--public-key-file", required = true, description = "where to write the public key (PEM)")
        Path publicFile;

        @Override
        public Integer call() {
            KeyPair pair = TokenKeys.generate();
            try {
                // Created readable by its owner only, and never over an existing key.
                Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(privateFile, TokenKeys.privatePem(pair.getPrivate()));
                Files.writeString(publicFile, TokenKeys.publicPem(pair.getPublic()),
                        java.nio.file.StandardOpenOption.CREATE_NEW);
                return 0;
            } catch (FileAlreadyExistsException e) {
                spec.commandLine().getErr().println("generate-auth-token-key: " + e.getFile() + " exists already");
                return 1;
            } catch (IOException e) {
                spec.commandLine().getErr().println("generate-auth-token-key: " + e.getMessage());
                return 1;
            }
        }
    }
}
