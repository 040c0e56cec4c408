package io.larder.control.provision;

import io.larder.control.discovery.DiscoveryPublisher;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.Parameter;
import io.larder.control.security.NodeSecurity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * Runs each node as its own OS process on this machine: {@code larder server <node.conf>} for Redis,
 * {@code larder memcached -p P -m M -t T} for memcached, output appended to the node's log file. The processes
 * are not tied to the control plane's lifetime, so they keep serving while it restarts; they are recognised
 * again by their command line, which names the node's own config file or port.
 */
public final class LocalProcessProvisioner implements Provisioner {
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private final Path root;
    private final List<String> larderCommand;
    private final List<String> memcachedCommand;
    private final String discoveryToken;
    private final LongFunction<List<String>> jvmOptions;
    private final NodeSecurity security;

    /**
     * @param root             node directories live under {@code root/<cluster>/<node>}
     * @param larderCommand    the command that runs {@code larder} (java, its options, class path, main class)
     * @param memcachedCommand the command that runs a memcached node (by default {@code larder memcached})
     * @param discoveryToken   given to {@code larder memcached} nodes, so the control plane may set their auto
     *                         discovery list
     * @param jvmOptions       the JVM options of a Larder node with this maxmemory (bytes)
     * @param security         issues TLS nodes their certificates and holds the token public key
     */
    public LocalProcessProvisioner(Path root, List<String> larderCommand, List<String> memcachedCommand,
                                   String discoveryToken, LongFunction<List<String>> jvmOptions,
                                   NodeSecurity security) {
        this.root = root;
        this.security = security;
        this.discoveryToken = discoveryToken;
        this.larderCommand = List.copyOf(larderCommand);
        this.memcachedCommand = List.copyOf(memcachedCommand);
        this.jvmOptions = jvmOptions;
    }

    @Override
    public String address() {
        return "127.0.0.1";
    }

    public Path nodeDir(NodeSpec spec) {
        return root.resolve(spec.clusterId()).resolve(spec.nodeId());
    }

    public Path logFile(NodeSpec spec) {
        return nodeDir(spec).resolve("node.log");
    }

    @Override
    public String logLocation(NodeSpec spec) {
        return logFile(spec).toString();
    }

    @Override
    public long start(NodeSpec spec) throws IOException {
        Path dir = nodeDir(spec);
        Files.createDirectories(dir.resolve("data"));
        List<String> command = new ArrayList<>();
        if (spec.engine() == Engine.REDIS) {
            writeRedisConfig(spec, dir);
            command.addAll(withNodeJvmOptions(larderCommand, spec));
        } else if (memcachedCommand.equals(larderCommand)) {
            command.addAll(withNodeJvmOptions(larderCommand, spec));
            command.add("memcached");
        } else {
            command.addAll(memcachedCommand);
            if ("root".equals(System.getProperty("user.name"))) {
                // memcached itself refuses to run as root without naming the user to run as.
                command.addAll(List.of("-u", "root"));
            }
        }
        if (spec.engine() == Engine.MEMCACHED) {
            command.addAll(memcachedFlags(spec));
        }
        command.addAll(nodeArguments(spec));
        Path log = logFile(spec);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (spec.engine() == Engine.MEMCACHED && servesDiscovery()) {
            builder.environment().put(DiscoveryPublisher.TOKEN_VARIABLE, discoveryToken);
        }
        Process p = builder
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return p.pid();
    }

    /** Whether memcached nodes are {@code larder memcached}, which serves the control plane's discovery list. */
    public boolean servesDiscovery() {
        return memcachedCommand.equals(larderCommand);
    }

    /**
     * The arguments that identify this node's process: they end its command line. Parameter flags come before them,
     * so a node started with other parameter values is still recognised.
     */
    List<String> nodeArguments(NodeSpec spec) {
        if (spec.engine() == Engine.REDIS) {
            return List.of("server", nodeDir(spec).resolve("node.conf").toString());
        }
        return List.of("-p", Integer.toString(spec.port()), "-m", Integer.toString(spec.nodeType().memoryMb()),
                "-t", Integer.toString(spec.nodeType().threads()));
    }

    /** memcached's flags for the parameters whose value differs from memcached's own default. */
    static List<String> memcachedFlags(NodeSpec spec) {
        List<String> flags = new ArrayList<>();
        for (Parameter p : DefaultParameters.of(Engine.MEMCACHED)) {
            String v = spec.parameters().getOrDefault(p.name(), p.value());
            if (v.equals(p.value())) {
                continue;
            }
            switch (p.name()) {
                case "cas_disabled" -> flags.add("-C");
                case "disable_flush_all" -> flags.add("-F");
                case "error_on_memory_exhausted" -> flags.add("-M");
                case "chunk_size" -> flags.addAll(List.of("-n", v));
                case "chunk_size_growth_factor" -> flags.addAll(List.of("-f", v));
                case "max_item_size" -> flags.addAll(List.of("-I", v));
                case "max_simultaneous_connections" -> flags.addAll(List.of("-c", v));
                default -> throw new IllegalStateException("no memcached flag for parameter " + p.name());
            }
        }
        return flags;
    }

    /**
     * A node's JVM gets its heap, direct memory and collector from its node type's memory (its maxmemory, or
     * memcached's -m), as {@code ./larder server} does; options in the launcher command come after and win.
     */
    private List<String> withNodeJvmOptions(List<String> launcher, NodeSpec spec) {
        List<String> out = new ArrayList<>(launcher.size() + 8);
        out.add(launcher.get(0));
        out.addAll(jvmOptions.apply(spec.nodeType().memoryMb() * 1024L * 1024));
        out.addAll(launcher.subList(1, launcher.size()));
        return out;
    }

    private void writeRedisConfig(NodeSpec spec, Path dir) throws IOException {
        StringBuilder conf = new StringBuilder();
        conf.append("# Written by the Larder control plane for node ").append(spec.name()).append("; rewritten on every start.\n");
        if (spec.security().transitEncryption()) {
            // As ElastiCache: with encryption in transit the cluster's port speaks TLS only.
            security.issueNodeCertificate(spec.name(), dir);
            conf.append("port 0\n");
            conf.append("tls-port ").append(spec.port()).append('\n');
            conf.append("tls-cert-file ").append(quote(dir.resolve(NodeSecurity.NODE_CERT).toString())).append('\n');
            conf.append("tls-key-file ").append(quote(dir.resolve(NodeSecurity.NODE_KEY).toString())).append('\n');
            conf.append("tls-ca-cert-file ").append(quote(security.caCertificateFile().toString())).append('\n');
            conf.append("tls-auth-clients no\n");
        } else {
            conf.append("port ").append(spec.port()).append('\n');
        }
        conf.append("bind 127.0.0.1\n");
        conf.append("dir ").append(quote(dir.resolve("data").toString())).append('\n');
        conf.append("maxmemory ").append(spec.nodeType().memoryMb()).append("mb\n");
        conf.append("io-threads ").append(spec.nodeType().threads()).append('\n');
        conf.append("save \"\"\n");
        conf.append("appendonly no\n");
        for (Parameter p : DefaultParameters.of(spec.engine())) {
            conf.append(p.name()).append(' ').append(quote(spec.parameters().getOrDefault(p.name(), p.value())))
                    .append('\n');
        }
        if (spec.authToken() != null) {
            conf.append("requirepass ").append(quote(spec.authToken())).append('\n');
        }
        List<String> tokenUsers = spec.security().tokenUsers();
        if (!tokenUsers.isEmpty()) {
            conf.append("larder-token-public-key-file ").append(quote(security.ensureTokenPublicKey().toString()))
                    .append('\n');
            conf.append("larder-token-users ").append(quote(String.join(" ", tokenUsers))).append('\n');
            for (String user : tokenUsers) {
                // Full access, like ElastiCache's default access string "on ~* +@all"; the token is the password.
                conf.append("user ").append(user).append(" on ~* &* +@all\n");
            }
        }
        Path file = dir.resolve("node.conf");
        Path tmp = dir.resolve("node.conf.tmp");
        Files.deleteIfExists(tmp);
        // The file holds the AUTH token: readable by the owner only.
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, conf);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public long find(NodeSpec spec, long recordedPid) {
        if (recordedPid > 0 && alive(spec, recordedPid)) {
            return recordedPid;
        }
        List<String> args = nodeArguments(spec);
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> runs(h, args)).mapToLong(ProcessHandle::pid).findFirst().orElse(0);
        }
    }

    @Override
    public boolean alive(NodeSpec spec, long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isPresent() && h.get().isAlive() && runs(h.get(), nodeArguments(spec));
    }

    /** A process runs the node when its arguments end with the node's own (a reused pid will not match). */
    private static boolean runs(ProcessHandle h, List<String> nodeArgs) {
        List<String> a = arguments(h);
        if (a.size() < nodeArgs.size()) {
            return false;
        }
        return a.subList(a.size() - nodeArgs.size(), a.size()).equals(nodeArgs) && h.isAlive();
    }

    /**
     * The process's full argument list. On Linux it comes from /proc, because the JDK's
     * {@code ProcessHandle.Info} gives up on command lines longer than a page (a node's class path is longer).
     */
    private static List<String> arguments(ProcessHandle h) {
        Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        try {
            byte[] raw = Files.readAllBytes(cmdline);
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        } catch (IOException e) {
            return h.info().arguments().map(List::of).orElse(List.of());
        }
    }

    @Override
    public void stop(NodeSpec spec, long pid) {
        long running = find(spec, pid);
        if (running == 0) {
            return;
        }
        ProcessHandle h = ProcessHandle.of(running).orElse(null);
        if (h == null) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // Reported by the next find(): the node still runs and the caller tries again.
            }
        }
    }

    @Override
    public void removeData(NodeSpec spec) throws IOException {
        deleteTree(nodeDir(spec));
    }

    @Override
    public void removeClusterData(String clusterId) throws IOException {
        deleteTree(root.resolve(clusterId));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
