package io.larder.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.larder.auth.AuthToken;
import io.larder.control.model.CacheCluster;
import io.larder.control.model.Ids;
import io.larder.control.security.NodeSecurity;
import io.larder.control.service.ClusterService;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The REST handlers of what secures the nodes (routes in {@link ApiServer}): the CA certificate that TLS clients
 * trust, and short-lived auth tokens for a cluster's token users. Both are Larder's own: ElastiCache's nodes carry
 * certificates of a public CA, and its IAM tokens are SigV4-signed by the client itself.
 */
final class SecurityApi {
    private final ClusterService clusters;
    private final NodeSecurity security;
    private final Clock clock;

    SecurityApi(ClusterService clusters, NodeSecurity security, Clock clock) {
        this.clusters = clusters;
        this.security = security;
        this.clock = clock;
    }

    void caCertificate(Context ctx) {
        Map<String, Object> ca = new LinkedHashMap<>();
        ca.put("CertificatePem", security.caCertificatePem());
        ca.put("Subject", security.ca().certificate().getSubjectX500Principal().getName());
        ca.put("NotAfter", security.ca().certificate().getNotAfter().toInstant().toString());
        ApiServer.send(ctx, 200, Map.of("CaCertificate", ca));
    }

    void authToken(Context ctx) {
        JsonNode b = ApiServer.body(ctx);
        String id = ApiServer.text(b, "CacheClusterId");
        String user = ApiServer.text(b, "UserId");
        Integer ttl = ApiServer.integer(b, "TtlSeconds");
        if (id == null) {
            throw ApiException.missing("CacheClusterId");
        }
        if (user == null) {
            throw ApiException.missing("UserId");
        }
        long ttlSeconds = ttl == null ? AuthToken.MAX_TTL_SECONDS : ttl;
        if (ttlSeconds < 1 || ttlSeconds > AuthToken.MAX_TTL_SECONDS) {
            throw ApiException.invalidValue("Invalid TtlSeconds " + ttlSeconds + ": it must be between 1 and "
                    + AuthToken.MAX_TTL_SECONDS + ".");
        }
        CacheCluster c = clusters.describe(Ids.cacheClusterId(id)).get(0);
        if (!c.security().tokenUsers().contains(user)) {
            throw ApiException.invalidCombination("User " + user + " is not a token user of cache cluster " + c.id()
                    + " (TokenAuthUsers: " + c.security().tokenUsers() + ").");
        }
        long now = clock.millis();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("AuthToken", security.mintToken(user, ttlSeconds, now));
        out.put("CacheClusterId", c.id());
        out.put("UserId", user);
        out.put("Expiration", Instant.ofEpochSecond(Math.floorDiv(now, 1000) + ttlSeconds).toString());
        ApiServer.send(ctx, 200, out);
    }
}
