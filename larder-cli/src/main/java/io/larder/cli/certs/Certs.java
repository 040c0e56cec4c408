package io.larder.cli.certs;

import io.larder.tls.ca.CertificateAuthority;
import io.larder.tls.ca.CertificateRequest;
import io.larder.tls.ca.KeyType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code larder certs}: a certificate authority and the certificates it signs, as PEM files that redis-server,
 * redis-cli and Larder's tls-* options take unchanged. The issuing itself is {@link CertificateAuthority}'s.
 */
@Command(name = "certs", description = "Make a certificate authority and node or client certificates signed by it.",
        mixinStandardHelpOptions = true, subcommands = {Certs.Ca.class, Certs.Node.class, Certs.Client.class})
public final class Certs implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = "Make a new CA: writes ca.crt and ca.key (owner-only) into --out.")
    static final class Ca implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "directory to write ca.crt and ca.key into")
        Path out;

        @Option(names = "--name", defaultValue = "Larder CA", description = "the CA's common name (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--key-type", defaultValue = "EC", description = "EC (P-256) or RSA (2048) (default: ${DEFAULT-VALUE})")
        KeyType keyType;

        @Option(names = "--force", description = "replace a CA already in --out")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!force && Files.exists(out.resolve(CertificateAuthority.KEY_FILE))) {
                System.err.println("larder certs: " + out + " already holds a CA; --force replaces it");
                return 1;
            }
            try {
                CertificateAuthority.create(name, Duration.ofDays(days), keyType).save(out);
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("larder certs: " + e.getMessage());
                return 1;
            }
            System.out.println("CA written: " + out.resolve(CertificateAuthority.CERT_FILE) + ", "
                    + out.resolve(CertificateAuthority.KEY_FILE));
            return 0;
        }
    }

    /** What node and client certificates share: the CA, the name, where to write, validity, key type. */
    abstract static class Issue implements Callable<Integer> {
        @Option(names = "--ca", required = true, description = "directory holding ca.crt and ca.key")
        Path ca;

        @Option(names = "--name", required = true, description = "common name; files are NAME.crt and NAME.key")
        String name;

        @Option(names = "--out", description = "directory to write into (default: the CA's)")
        Path out;

        @Option(names = "--days", defaultValue = "825", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--key-type", defaultValue = "EC", description = "EC (P-256) or RSA (2048) (default: ${DEFAULT-VALUE})")
        KeyType keyType;

        abstract CertificateRequest.Usage usage();

        List<String> ips() {
            return List.of();
        }

        List<String> dnsNames() {
            return List.of();
        }

        @Override
        public Integer call() throws Exception {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                System.err.println("larder certs: --name may hold letters, digits, '.', '_' and '-' only");
                return 1;
            }
            Path dir = out == null ? ca : out;
            try {
                CertificateAuthority authority = CertificateAuthority.load(ca);
                Files.createDirectories(dir);
                authority.issue(new CertificateRequest(name, ips(), dnsNames(), usage(), Duration.ofDays(days), keyType))
                        .write(dir, name);
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("larder certs: " + e.getMessage());
                return 1;
            }
            System.out.println("certificate written: " + dir.resolve(name + ".crt") + ", " + dir.resolve(name + ".key"));
            return 0;
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Issue a node certificate (server and client authentication) for the addresses given.")
    static final class Node extends Issue {
        @Option(names = "--ip", description = "an IP address clients reach the node by (repeatable)")
        List<String> ips = new ArrayList<>();

        @Option(names = "--dns", description = "a host name clients reach the node by (repeatable)")
        List<String> dnsNames = new ArrayList<>();

        @Override
        CertificateRequest.Usage usage() {
            return CertificateRequest.Usage.NODE;
        }

        @Override
        List<String> ips() {
            return ips;
        }

        @Override
        List<String> dnsNames() {
            return dnsNames;
        }
    }

    @Command(name = "client", mixinStandardHelpOptions = true,
            description = "Issue a client certificate (for tls-auth-clients yes).")
    static final class Client extends Issue {
        @Override
        CertificateRequest.Usage usage() {
            return CertificateRequest.Usage.CLIENT;
        }
    }
}
