package io.larder.memcached.server;

import java.nio.file.Path;
import java.util.List;

/**
 * The node's settings, parsed from memcached's own command-line flags with memcached's defaults. Larder's
 * additions are {@code -o} sub-options: {@code sasl_pwdb=FILE} (also the MEMCACHED_SASL_PWDB environment
 * variable, as memcached without Cyrus SASL reads it), {@code discovery_token=SECRET} (enables
 * {@code config set cluster}; also the LARDER_DISCOVERY_TOKEN environment variable) and {@code discovery_hostname=NAME} (this node's name in {@code config get cluster}).
 */
public final class McSettings {
    public static final String VERSION = "1.6.18";
    /** The environment variable that gives the discovery token when {@code -o discovery_token} does not. */
    public static final String DISCOVERY_TOKEN_VARIABLE = "LARDER_DISCOVERY_TOKEN";

    public int port = 11211;
    public int udpPort = 0;
    /** Interfaces to listen on; empty = every interface. */
    public List<String> listen = List.of();
    public long maxBytes = 64L * 1024 * 1024;
    public int maxConns = 1024;
    public int threads = 4;
    public int itemSizeMax = 1024 * 1024;
    public int verbose = 0;
    public boolean evictions = true;
    public boolean useCas = true;
    public boolean sasl = false;
    public Path authFile;
    public Path saslPwdb;
    public double growthFactor = 1.25;
    public int chunkSize = 48;
    public int backlog = 1024;
    public int reqsPerEvent = 20;
    public boolean flushEnabled = true;
    public boolean maxconnsFast = true;
    /** -B: "auto" (first byte decides), "ascii" or "binary". */
    public String protocol = "auto";
    /** -A: the text "shutdown" command stops the node. */
    public boolean shutdownCommand = false;
    public int idleTimeout = 0;
    public boolean lruCrawler = true;
    public boolean lruMaintainer = true;
    public int hotLruPct = 20;
    public int warmLruPct = 40;
    public int slabChunkMax = 512 * 1024;
    public String hashAlgorithm = "murmur3";
    public String discoveryToken;
    public String discoveryHostname;
    /** -Z: every listener speaks TLS, with the ssl_* sub-options below (memcached's names and defaults). */
    public boolean tls = false;
    public String sslChainCert;
    public String sslKey;
    public String sslCaCert;
    public String sslCiphers;
    /** 0 none, 1 request a client certificate, 2 require one, 3 require it once (the same here). */
    public int sslVerifyMode = 0;
    public int sslKeyformat = 1;
    public int sslWbufSize = 16 * 1024;
    public boolean sslSessionCache = false;
    public boolean sslKernelTls = false;
    public String sslMinVersion = "tlsv1.2";

    /** A flag the parser refused, with memcached's style of message. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static McSettings parse(List<String> args) throws UsageException {
        McSettings s = new McSettings();
        String pwdb = System.getenv("MEMCACHED_SASL_PWDB");
        if (pwdb != null && !pwdb.isEmpty()) {
            s.saslPwdb = Path.of(pwdb);
        }
        // The control plane hands its nodes the token here, where other users cannot read it (unlike the command line).
        String token = System.getenv(DISCOVERY_TOKEN_VARIABLE);
        if (token != null && !token.isEmpty()) {
            s.discoveryToken = token;
        }
        boolean itemSizeSet = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name;
            String inline = null;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                inline = eq < 0 ? null : a.substring(eq + 1);
                name = LONG_NAMES.getOrDefault(name, name);
            } else if (a.startsWith("-") && a.length() >= 2) {
                name = a.substring(1, 2);
                if (a.length() > 2) {
                    inline = a.substring(2);
                }
            } else {
                throw new UsageException("Unexpected argument \"" + a + "\"");
            }
            if (name.equals("v")) {
                // -v, -vv, -vvv: each v raises the level.
                s.verbose += 1 + (inline == null ? 0 : (int) inline.chars().filter(c -> c == 'v').count());
                continue;
            }
            if (FLAGS_WITHOUT_VALUE.contains(name)) {
                switch (name) {
                    case "M" -> s.evictions = false;
                    case "C" -> s.useCas = false;
                    case "S" -> s.sasl = true;
                    case "F" -> s.flushEnabled = false;
                    case "A" -> s.shutdownCommand = true;
                    case "Z" -> s.tls = true;
                    default -> { }
                }
                continue;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option requires an argument -- '" + name + "'");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "p" -> s.port = intValue(name, value);
                case "U" -> s.udpPort = intValue(name, value);
                case "l" -> s.listen = List.of(value.split(","));
                case "m" -> s.maxBytes = size(name, value, 1024L * 1024);
                case "c" -> s.maxConns = intValue(name, value);
                case "t" -> {
                    s.threads = intValue(name, value);
                    if (s.threads <= 0) {
                        throw new UsageException("Number of threads must be greater than 0");
                    }
                }
                case "I" -> {
                    long v = size(name, value, 1);
                    if (v < 1024) {
                        throw new UsageException("Item max size cannot be less than 1024 bytes.");
                    }
                    if (v > 1024L * 1024 * 1024) {
                        throw new UsageException("Cannot set item size limit higher than 1 gigabyte.");
                    }
                    s.itemSizeMax = (int) v;
                    itemSizeSet = true;
                }
                case "Y" -> s.authFile = Path.of(value);
                case "f" -> {
                    try {
                        s.growthFactor = Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        s.growthFactor = 0;
                    }
                    if (s.growthFactor <= 1.0) {
                        throw new UsageException("Factor must be greater than 1");
                    }
                }
                case "n" -> {
                    s.chunkSize = intValue(name, value);
                    if (s.chunkSize <= 0) {
                        throw new UsageException("Chunk size must be greater than 0");
                    }
                }
                case "b" -> s.backlog = intValue(name, value);
                case "R" -> s.reqsPerEvent = intValue(name, value);
                case "o" -> s.extended(value);
                case "B" -> {
                    if (!List.of("auto", "ascii", "binary").contains(value)) {
                        throw new UsageException("Invalid value for binding protocol: " + value
                                + " -- should be one of auto, binary, or ascii");
                    }
                    s.protocol = value;
                }
                case "u" -> {
                    // Larder never runs as a different user; the flag is accepted so memcached command lines work.
                }
                default -> throw new UsageException("invalid option -- '" + name + "'");
            }
        }
        if (s.udpPort != 0) {
            throw new UsageException("UDP is not supported (-U " + s.udpPort + "); use -U 0");
        }
        if (itemSizeSet && s.itemSizeMax > s.maxBytes / 2) {
            throw new UsageException("Cannot set item size limit higher than 1/2 of memory max.");
        }
        s.slabChunkMax = Math.min(s.slabChunkMax, s.itemSizeMax / 2);
        if (s.sasl && s.protocol.equals("ascii")) {
            throw new UsageException("You cannot allow the ASCII protocol while using SASL.");
        }
        if (s.sasl && s.saslPwdb == null) {
            throw new UsageException("SASL (-S) needs a password file: -o sasl_pwdb=FILE or MEMCACHED_SASL_PWDB");
        }
        return s;
    }

    private void extended(String list) throws UsageException {
        for (String opt : list.split(",")) {
            if (opt.isEmpty()) {
                continue;
            }
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String value = eq < 0 ? null : opt.substring(eq + 1);
            switch (key) {
                case "modern" -> {
                    // memcached 1.6 already runs with what "modern" used to switch on.
                }
                case "maxconns_fast" -> maxconnsFast = true;
                case "no_maxconns_fast" -> maxconnsFast = false;
                case "lru_crawler" -> lruCrawler = true;
                case "no_lru_crawler" -> lruCrawler = false;
                case "lru_maintainer" -> lruMaintainer = true;
                case "no_lru_maintainer" -> lruMaintainer = false;
                case "idle_timeout" -> idleTimeout = intValue(key, required(key, value));
                case "hot_lru_pct" -> hotLruPct = intValue(key, required(key, value));
                case "warm_lru_pct" -> warmLruPct = intValue(key, required(key, value));
                case "slab_chunk_max" -> slabChunkMax = (int) size(key, required(key, value), 1024);
                case "hash_algorithm" -> hashAlgorithm = required(key, value);
                case "hashpower", "tail_repair_time", "lru_crawler_sleep", "lru_crawler_tocrawl",
                     "hot_max_factor", "warm_max_factor", "temporary_ttl", "read_buf_mem_limit",
                     "slab_reassign", "slab_automove", "no_hashexpand" -> {
                    // Accepted for compatibility: they tune memcached internals Larder does not have.
                }
                case "sasl_pwdb" -> saslPwdb = Path.of(required(key, value));
                case "discovery_token" -> discoveryToken = required(key, value);
                case "discovery_hostname" -> discoveryHostname = required(key, value);
                case "ssl_chain_cert" -> sslChainCert = required(key, value);
                case "ssl_key" -> sslKey = required(key, value);
                case "ssl_ca_cert" -> sslCaCert = required(key, value);
                case "ssl_ciphers" -> sslCiphers = required(key, value);
                case "ssl_verify_mode" -> {
                    sslVerifyMode = intValue(key, required(key, value));
                    if (sslVerifyMode < 0 || sslVerifyMode > 3) {
                        throw new UsageException("Invalid ssl_verify_mode. Use help to see valid options.");
                    }
                }
                case "ssl_keyformat" -> {
                    sslKeyformat = intValue(key, required(key, value));
                    if (sslKeyformat != 1) {
                        throw new UsageException("Only PEM keys (ssl_keyformat=1) are supported");
                    }
                }
                case "ssl_wbuf_size" -> sslWbufSize = intValue(key, required(key, value)) * 1024;
                case "ssl_session_cache" -> sslSessionCache = true;
                case "ssl_kernel_tls" -> sslKernelTls = true;
                case "ssl_min_version" -> {
                    sslMinVersion = required(key, value);
                    if (!List.of("tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3").contains(sslMinVersion)) {
                        throw new UsageException("Invalid ssl_min_version. Use help to see valid options.");
                    }
                }
                default -> throw new UsageException("Illegal suboption \"" + opt + "\"");
            }
        }
    }

    private static String required(String key, String value) throws UsageException {
        if (value == null || value.isEmpty()) {
            throw new UsageException("Missing value for " + key);
        }
        return value;
    }

    private static int intValue(String name, String value) throws UsageException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid value for -" + name + ": " + value);
        }
    }

    /** A size with an optional k/m/g unit; a bare number counts {@code unit}s. */
    private static long size(String name, String value, long unit) throws UsageException {
        String v = value.trim();
        long multiplier = unit;
        if (!v.isEmpty()) {
            char last = Character.toLowerCase(v.charAt(v.length() - 1));
            long m = switch (last) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                case 'g' -> 1024L * 1024 * 1024;
                default -> 0;
            };
            if (m != 0) {
                multiplier = m;
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            return Long.parseLong(v) * multiplier;
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid value for -" + name + ": " + value);
        }
    }

    private static final java.util.Set<String> FLAGS_WITHOUT_VALUE = java.util.Set.of("M", "C", "S", "F", "A", "Z");

    private static final java.util.Map<String, String> LONG_NAMES = java.util.Map.ofEntries(
            java.util.Map.entry("port", "p"), java.util.Map.entry("udp-port", "U"),
            java.util.Map.entry("listen", "l"), java.util.Map.entry("memory-limit", "m"),
            java.util.Map.entry("conn-limit", "c"), java.util.Map.entry("threads", "t"),
            java.util.Map.entry("max-item-size", "I"), java.util.Map.entry("verbose", "v"),
            java.util.Map.entry("disable-evictions", "M"), java.util.Map.entry("disable-cas", "C"),
            java.util.Map.entry("enable-sasl", "S"), java.util.Map.entry("auth-file", "Y"),
            java.util.Map.entry("slab-growth-factor", "f"), java.util.Map.entry("slab-min-size", "n"),
            java.util.Map.entry("extended", "o"), java.util.Map.entry("listen-backlog", "b"),
            java.util.Map.entry("max-reqs-per-event", "R"), java.util.Map.entry("disable-flush-all", "F"),
            java.util.Map.entry("protocol", "B"), java.util.Map.entry("enable-shutdown", "A"),
            java.util.Map.entry("user", "u"), java.util.Map.entry("enable-ssl", "Z"));

    /** The -h text. */
    public static final String USAGE = """
            larder memcached %s (memcached-compatible)
            -p, --port=<num>          TCP port to listen on (default: 11211)
            -U, --udp-port=<num>      UDP port: only 0 (off) is supported
            -l, --listen=<addr>       interfaces to listen on, comma separated (default: all)
            -A, --enable-shutdown     enable the ascii "shutdown" command
            -m, --memory-limit=<num>  item memory in megabytes (default: 64)
            -M, --disable-evictions   return error on memory exhausted instead of evicting
            -c, --conn-limit=<num>    max simultaneous connections (default: 1024)
            -v, --verbose             verbose (print errors/warnings); -vv also prints commands
            -f, --slab-growth-factor=<num> chunk size growth factor (default: 1.25)
            -n, --slab-min-size=<bytes> min space used for key+value+flags (default: 48)
            -t, --threads=<num>       number of threads to use (default: 4)
            -C, --disable-cas         disable use of CAS
            -b, --listen-backlog=<num> set the backlog queue limit (default: 1024)
            -B, --protocol=<name>     protocol - one of ascii, binary, or auto (default: auto)
            -I, --max-item-size=<num> adjusts max item size (default: 1m, min: 1k, max: 1024m)
            -S, --enable-sasl         turn on SASL authentication (binary protocol; PLAIN and CRAM-MD5)
            -F, --disable-flush-all   disable flush_all command
            -Y, --auth-file=<file>    enable ASCII protocol authentication (user:pass lines)
            -Z, --enable-ssl          enable TLS/SSL on every listener
            -o, --extended            comma separated list of extended options:
               idle_timeout=<s>, no_lru_crawler, maxconns_fast, modern (and memcached's tuning options)
               sasl_pwdb=<file>       users for -S, user:password lines (or MEMCACHED_SASL_PWDB)
               discovery_token=<s>    enables "config set cluster <token> <bytes>" (auto discovery)
               discovery_hostname=<h> this node's name in "config get cluster"
               ssl_chain_cert=<file>  certificate chain (PEM); ssl_key=<file> its private key (PEM)
               ssl_ca_cert=<file>     CAs of acceptable client certificates (PEM)
               ssl_verify_mode=<n>    client certificate: 0 none (default), 1 request, 2 require, 3 require once
               ssl_ciphers=<list>     TLS 1.2 ciphers; ssl_min_version=tlsv1.0..tlsv1.3 (default: tlsv1.2)
               ssl_session_cache      enable the server's session cache
            """.formatted(VERSION);
}
