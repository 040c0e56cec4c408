package io.larder.control.api.query;

import io.larder.control.api.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * SigV4 verification against a request signed by botocore 1.43 ({@code SigV4Auth(Credentials('AKIDEXAMPLE',
 * 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'), 'elasticache', 'us-east-1')}, clock fixed at 2026-11-27T20:15:00Z):
 * an independent implementation's signature, not one this code computed.
 */
class SigV4Test {
    private static final SigV4.Credentials KEY = new SigV4.Credentials("AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final String BODY = "Action=DescribeCacheClusters&Version=2015-02-02&CacheClusterId=pages";
    private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/elasticache/"
            + "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
            + "Signature=f5bfbfcc80bc885b61572d690374b04e004394e67a6889299a9f35bdf1e23aed";
    private static final Instant SIGNED = Instant.parse("2026-11-27T20:15:00Z");

    private static SigV4.Request request(String body, Map<String, String> headers) {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return new SigV4.Request("POST", "/", null, h::get, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String authorization) {
        return Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "Host", "127.0.0.1:7380",
                "X-Amz-Date", "20261127T201500Z", "Authorization", authorization);
    }

    private static String refusal(SigV4 v, SigV4.Request r, Instant now) {
        try {
            v.verify(r, now);
        } catch (ApiException e) {
            return e.code() + " " + e.httpStatus();
        }
        return "accepted";
    }

    @Test
    void botocoreSignatureIsAcceptedWithinFifteenMinutes() {
        SigV4 v = new SigV4(KEY);
        assertThatCode(() -> v.verify(request(BODY, headers(AUTHORIZATION)), SIGNED)).doesNotThrowAnyException();
        assertThatCode(() -> v.verify(request(BODY, headers(AUTHORIZATION)), SIGNED.plusSeconds(14 * 60)))
                .doesNotThrowAnyException();
        assertThat(refusal(v, request(BODY, headers(AUTHORIZATION)), SIGNED.plusSeconds(16 * 60)))
                .isEqualTo("SignatureDoesNotMatch 403");
        assertThat(refusal(v, request(BODY, headers(AUTHORIZATION)), SIGNED.minusSeconds(16 * 60)))
                .isEqualTo("SignatureDoesNotMatch 403");
    }

    @Test
    void anyChangeToTheSignedRequestOrAnotherSecretIsRefused() {
        SigV4 v = new SigV4(KEY);
        assertThat(refusal(v, request(BODY.replace("pages", "other"), headers(AUTHORIZATION)), SIGNED))
                .isEqualTo("SignatureDoesNotMatch 403");
        Map<String, String> otherHost = new TreeMap<>(headers(AUTHORIZATION));
        otherHost.put("Host", "127.0.0.1:7381");
        assertThat(refusal(v, request(BODY, otherHost), SIGNED)).isEqualTo("SignatureDoesNotMatch 403");
        assertThat(refusal(new SigV4(new SigV4.Credentials("AKIDEXAMPLE", "another-secret")),
                request(BODY, headers(AUTHORIZATION)), SIGNED)).isEqualTo("SignatureDoesNotMatch 403");
        assertThat(refusal(new SigV4(new SigV4.Credentials("AKIDOTHER", KEY.secretAccessKey())),
                request(BODY, headers(AUTHORIZATION)), SIGNED)).isEqualTo("InvalidClientTokenId 403");
    }

    @Test
    void missingOrMalformedSignaturesAreRefused() {
        SigV4 v = new SigV4(KEY);
        Map<String, String> unsigned = new TreeMap<>(headers(AUTHORIZATION));
        unsigned.remove("Authorization");
        assertThat(refusal(v, request(BODY, unsigned), SIGNED)).isEqualTo("MissingAuthenticationToken 403");
        assertThat(refusal(v, request(BODY, headers("AWS AKIDEXAMPLE:c2lnbmF0dXJl")), SIGNED))
                .isEqualTo("IncompleteSignature 400");
        assertThat(refusal(v, request(BODY, headers(AUTHORIZATION.replace(", Signature", ", Sig"))), SIGNED))
                .isEqualTo("IncompleteSignature 400");
        assertThat(refusal(v, request(BODY, headers(AUTHORIZATION.replace("/20261127/", "/2026-11-27/"))), SIGNED))
                .isEqualTo("IncompleteSignature 400");
        // The host must be signed: otherwise a signature could be replayed to another control plane.
        assertThat(refusal(v, request(BODY, headers(AUTHORIZATION.replace("content-type;host;x-amz-date",
                "content-type;x-amz-date"))), SIGNED)).isEqualTo("IncompleteSignature 400");
        Map<String, String> noDate = new TreeMap<>(headers(AUTHORIZATION));
        noDate.remove("X-Amz-Date");
        assertThat(refusal(v, request(BODY, noDate), SIGNED)).isEqualTo("IncompleteSignature 400");
    }
}
