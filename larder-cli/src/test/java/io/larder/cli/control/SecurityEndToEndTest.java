package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.auth.AuthToken;
import io.larder.auth.TokenKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Nodes the control plane secures, end to end: a real {@code larder up} and real node processes. A cluster with
 * transit encryption serves TLS only, with a certificate of the control plane's CA, which the API hands out; the
 * control plane's own health checks, metric scrapes and live CONFIG SET reach it over TLS. Tokens the control plane
 * signs log its token users in; forged and expired ones do not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityEndToEndTest {
    private static ControlPlaneProcess cp;
    private static int port;
    private static SSLSocketFactory trustingCa;

    @BeforeAll
    static void start() throws Exception {
        cp = new ControlPlaneProcess(26500, 26999, 6);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cp != null) {
            cp.close();
        }
    }

    private static Jedis tls(SSLSocketFactory factory) {
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(factory).timeoutMillis(5000).build());
    }

    private static String refusal(String... args) {
        ControlPlaneProcess.Result r = cp.cli(args);
        assertThat(r.status()).as("%s refused: %s", args[0], r.out()).isEqualTo(254);
        return r.err();
    }

    @Test
    @Order(1)
    void aTlsClusterBecomesAvailableThroughHealthChecksOverTls() throws Exception {
        cp.ok("create-cache-parameter-group", "--cache-parameter-group-name", "secure-params",
                "--cache-parameter-group-family", "redis7", "--description", "tls cluster");
        JsonNode created = cp.ok("create-cache-cluster", "--cache-cluster-id", "secure", "--cache-node-type",
                "cache.micro", "--transit-encryption-enabled", "--token-auth-users", "app,reporting",
                "--cache-parameter-group-name", "secure-params");
        assertThat(created.path("CacheCluster").path("TransitEncryptionEnabled").asBoolean()).isTrue();
        cp.waitAvailable("secure");
        JsonNode c = cp.ok("describe-cache-clusters", "--cache-cluster-id", "secure", "--show-cache-node-info")
                .path("CacheClusters").get(0);
        assertThat(c.path("TransitEncryptionEnabled").asBoolean()).isTrue();
        assertThat(c.path("TokenAuthUsers").toString()).isEqualTo("[\"app\",\"reporting\"]");
        port = c.path("CacheNodes").get(0).path("Endpoint").path("Port").asInt();
        String conf = Files.readString(cp.dataDir.resolve("nodes/secure/0001/node.conf"));
        assertThat(conf).contains("port 0\n", "tls-port " + port + "\n", "tls-auth-clients no\n",
                "larder-token-users \"app reporting\"\n", "user app on ~* &* +@all\n");

        // The secrets are the control plane's alone.
        for (String secret : List.of("security/ca/ca.key", "security/token-signing.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cp.dataDir.resolve(secret))))
                    .as(secret).isEqualTo("rw-------");
        }
        // A cluster without encryption says so.
        assertThat(refusal("create-cache-cluster", "--cache-cluster-id", "mc", "--engine", "memcached",
                "--transit-encryption-enabled")).contains("(InvalidParameterCombination)");
        assertThat(refusal("create-cache-cluster", "--cache-cluster-id", "bad", "--token-auth-users", "default"))
                .contains("(InvalidParameterValue)");
    }

    @Test
    @Order(2)
    void clientsTrustingTheCaFromTheApiConnectAndPlainConnectionsFail() throws Exception {
        Path pem = cp.dataDir.resolve("downloaded-ca.crt");
        JsonNode ca = cp.ok("describe-ca-certificate", "--pem-file", pem.toString()).path("CaCertificate");
        assertThat(ca.path("CertificatePem").asText()).startsWith("-----BEGIN CERTIFICATE-----")
                .isEqualTo(Files.readString(pem));
        trustingCa = trusting(pem);
        try (Jedis j = tls(trustingCa)) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.set("k", "v")).isEqualTo("OK");
        }
        assertThatThrownBy(() -> {
            try (Jedis plain = new Jedis("127.0.0.1", port, 5000)) {
                plain.ping();
            }
        }).isInstanceOf(JedisConnectionException.class);
        // The JDK's default trust store does not know the control plane's CA.
        assertThatThrownBy(() -> {
            try (Jedis untrusting = tls((SSLSocketFactory) SSLSocketFactory.getDefault())) {
                untrusting.ping();
            }
        }).isInstanceOf(JedisConnectionException.class).hasStackTraceContaining("PKIX");
    }

    @Test
    @Order(3)
    void metricsAndLiveParameterChangesReachTheNodeOverTls() throws Exception {
        String node = "{cache_cluster_id=\"secure\",cache_node_id=\"0001\"} ";
        waitFor("a metrics scrape over TLS", () -> cp.http("GET", "/metrics", null).body()
                .contains("larder_node_up" + node + "1"));
        cp.ok("modify-cache-parameter-group", "--cache-parameter-group-name", "secure-params",
                "--parameter-name-values", "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru");
        try (Jedis j = tls(trustingCa)) {
            waitFor("CONFIG SET over TLS", () -> j.configGet("maxmemory-policy").get("maxmemory-policy")
                    .equals("allkeys-lru"));
        }
    }

    @Test
    @Order(4)
    void tokensFromTheControlPlaneLogTokenUsersInAndForgedOrExpiredOnesDoNot() throws Exception {
        ControlPlaneProcess.Result r = cp.cli("generate-auth-token", "--cache-cluster-id", "secure", "--user", "app",
                "--ttl", "60");
        assertThat(r.status()).as(r.err()).isZero();
        String token = r.out().strip();
        assertThat(token).startsWith(AuthToken.PREFIX);
        try (Jedis j = tls(trustingCa)) {
            assertThat(j.auth("app", token)).isEqualTo("OK");
            assertThat(j.aclWhoAmI()).isEqualTo("app");
            // A token names its user: it is no password of another.
            assertThatThrownBy(() -> j.auth("reporting", token)).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("WRONGPASS");
        }
        String forged = AuthToken.mint(TokenKeys.generate().getPrivate(), "app", 60, System.currentTimeMillis());
        PrivateKey controlKey = TokenKeys.readPrivate(cp.dataDir.resolve("security/token-signing.key"));
        String expired = AuthToken.mint(controlKey, "app", 1, System.currentTimeMillis() - 10_000);
        for (String bad : List.of(forged, expired)) {
            try (Jedis j = tls(trustingCa)) {
                assertThatThrownBy(() -> j.auth("app", bad)).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("WRONGPASS");
            }
        }

        ControlPlaneProcess.Http api = cp.http("POST", "/v1/auth-tokens",
                "{\"CacheClusterId\": \"secure\", \"UserId\": \"reporting\", \"TtlSeconds\": 900}");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        try (Jedis j = tls(trustingCa)) {
            assertThat(j.auth("reporting", ApiClient.JSON.readTree(api.body()).path("AuthToken").asText()))
                    .isEqualTo("OK");
        }
        assertThat(cp.http("POST", "/v1/auth-tokens", "{\"CacheClusterId\": \"secure\", \"UserId\": \"app\", "
                + "\"TtlSeconds\": 901}").errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(cp.http("POST", "/v1/auth-tokens", "{\"CacheClusterId\": \"secure\", \"UserId\": \"other\"}")
                .errorCode()).isEqualTo("InvalidParameterCombination");
        assertThat(cp.http("POST", "/v1/auth-tokens", "{\"CacheClusterId\": \"nope\", \"UserId\": \"app\"}")
                .errorCode()).isEqualTo("CacheClusterNotFound");
    }

    private static SSLSocketFactory trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ControlPlaneProcess.WAIT_SECONDS);
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("%s within %d s", what, ControlPlaneProcess.WAIT_SECONDS)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
