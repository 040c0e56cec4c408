package io.larder.control.api.query;

import io.larder.control.api.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Checks an AWS Signature Version 4 {@code Authorization} header against the one access key the control plane is
 * configured with: the signature is recomputed from the request (method, path, query, the signed headers, the
 * body's SHA-256) with the secret, as the AWS SDKs compute it, and compared in constant time. A request signed
 * more than 15 minutes away from now is refused, as AWS refuses it.
 */
public final class SigV4 {
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The one access key accepted, and its secret. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        public Credentials {
            if (accessKeyId == null || accessKeyId.isEmpty() || secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("an access key id and a secret access key are both needed");
            }
        }

        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + "]";
        }
    }

    /** The parts of a request the signature covers. */
    public record Request(String method, String path, String rawQuery, Function<String, String> header, byte[] body) {
    }

    private record Authorization(String accessKeyId, String date, String region, String service,
                                 List<String> signedHeaders, String signature) {
    }

    private final Credentials credentials;

    public SigV4(Credentials credentials) {
        this.credentials = credentials;
    }

    /** Refuses (403, AWS's codes) a request not signed with the configured key and secret. */
    public void verify(Request r, Instant now) {
        String header = r.header().apply("Authorization");
        if (header == null) {
            throw new ApiException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }
        Authorization a = parse(header);
        if (!a.accessKeyId().equals(credentials.accessKeyId())) {
            throw new ApiException("InvalidClientTokenId", 403,
                    "The security token included in the request is invalid.");
        }
        String amzDate = r.header().apply("X-Amz-Date");
        if (amzDate == null) {
            throw incomplete("the X-Amz-Date header is missing");
        }
        Instant signedAt;
        try {
            signedAt = AMZ_DATE.parse(amzDate, Instant::from);
        } catch (DateTimeParseException e) {
            throw incomplete("X-Amz-Date " + amzDate + " is not a time such as 20261127T201500Z");
        }
        if (!amzDate.startsWith(a.date()) || !a.signedHeaders().contains("host")) {
            throw incomplete("the credential scope's date must be X-Amz-Date's, and Host must be signed");
        }
        if (Duration.between(signedAt, now).abs().compareTo(SKEW) > 0) {
            throw new ApiException("SignatureDoesNotMatch", 403, "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(now.minus(SKEW)) + " or later than "
                    + AMZ_DATE.format(now.plus(SKEW)) + ".");
        }
        String scope = a.date() + "/" + a.region() + "/" + a.service() + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest(r, a.signedHeaders()).getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), a.date());
        key = hmac(hmac(hmac(key, a.region()), a.service()), "aws4_request");
        byte[] expected = hmac(key, stringToSign);
        if (!MessageDigest.isEqual(expected, a.signature().getBytes(StandardCharsets.US_ASCII).length == 64
                ? HexFormat.of().parseHex(a.signature()) : new byte[0])) {
            throw new ApiException("SignatureDoesNotMatch", 403, "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method.");
        }
    }

    /** {@code AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex} */
    private static Authorization parse(String header) {
        if (!header.startsWith(ALGORITHM + " ")) {
            throw incomplete("only " + ALGORITHM + " signatures are accepted");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            switch (name) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> throw incomplete("unexpected Authorization element " + name);
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw incomplete("Authorization needs Credential, SignedHeaders and Signature");
        }
        String[] c = credential.split("/", -1);
        if (c.length != 5 || !c[4].equals("aws4_request") || !c[1].matches("\\d{8}")
                || !signature.matches("[0-9a-f]+")) {
            throw incomplete("Credential must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request");
        }
        return new Authorization(c[0], c[1], c[2], c[3], List.of(signedHeaders.split(";")), signature);
    }

    private static String canonicalRequest(Request r, List<String> signedHeaders) {
        StringBuilder s = new StringBuilder();
        s.append(r.method()).append('\n').append(r.path().isEmpty() ? "/" : r.path()).append('\n')
                .append(canonicalQuery(r.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            String value = r.header().apply(name);
            s.append(name).append(':').append(value == null ? "" : value.strip().replaceAll(" +", " ")).append('\n');
        }
        s.append('\n').append(String.join(";", signedHeaders)).append('\n');
        String payloadHash = r.header().apply("X-Amz-Content-Sha256");
        return s.append(payloadHash != null ? payloadHash : hex(sha256(r.body()))).toString();
    }

    /** The query's parameters sorted by name, then value, as sent (already percent-encoded by the client). */
    private static String canonicalQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        return Arrays.stream(raw.split("&")).map(p -> p.contains("=") ? p : p + "=")
                .sorted().reduce((x, y) -> x + "&" + y).orElse("");
    }

    /** A malformed signature: AWS's IncompleteSignature. */
    private static ApiException incomplete(String why) {
        return new ApiException("IncompleteSignature", 400,
                "The request signature does not conform to AWS standards: " + why + ".");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
