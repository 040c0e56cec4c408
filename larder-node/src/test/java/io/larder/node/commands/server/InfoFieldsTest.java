package io.larder.node.commands.server;

import io.larder.node.server.Version;
import io.larder.node.testing.OracleTestBase;
import io.larder.node.testing.LarderServer;
import io.larder.node.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * INFO's shape against redis-server: the same sections in the same order, and in each section the same
 * field names in the same order, apart from the fields Redis 7.2 added over the 7.0 oracle.
 */
class InfoFieldsTest extends OracleTestBase {
    /** Fields Redis 7.2 reports that 7.0 does not (from the 7.2 sources' INFO and release notes). */
    private static final Set<String> ADDED_IN_7_2 = Set.of("listener0", "pubsub_clients", "watching_clients",
            "total_watched_keys", "total_blocking_keys", "total_blocking_keys_on_nokey", "eventloop_cycles",
            "eventloop_duration_sum", "eventloop_duration_cmd_sum", "instantaneous_eventloop_cycles_per_sec",
            "instantaneous_eventloop_duration_usec", "acl_access_denied_auth", "acl_access_denied_cmd",
            "acl_access_denied_key", "acl_access_denied_channel");


    /** Same traffic on both, so the per-command and per-error lines exist on both sides. */
    private static String info(int port, String... sections) throws IOException {
        try (RawClient c = new RawClient(port)) {
            c.call("SET", "k", "v");
            c.call("GET", "k");
            c.call("GET", "missing");
            c.call("NOSUCHCOMMAND");
            String[] args = new String[sections.length + 1];
            args[0] = "INFO";
            System.arraycopy(sections, 0, args, 1, sections.length);
            Resp reply = Resp.parse(c.call(args));
            assertThat(reply.header()).startsWith("$");
            return reply.payload();
        }
    }

    /** Section title to field names, in order; dynamic lines (cmdstat_get, db0 ...) by their kind. */
    private static Map<String, List<String>> fields(String text) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\r\n", -1)) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                sections.put(line.substring(2), current);
            } else if (!line.isEmpty()) {
                assertThat(line).as("field line").contains(":");
                String name = line.substring(0, line.indexOf(':'));
                name = name.replaceFirst("^(cmdstat_|errorstat_|latency_percentiles_usec_).*", "$1*")
                        .replaceFirst("^db\\d+$", "db*");
                if (!current.contains(name)) {
                    current.add(name);
                }
            }
        }
        return sections;
    }

    @Test
    void everythingHasTheOraclesSectionsAndFieldsInOrder() throws IOException {
        Map<String, List<String>> want = fields(info(redis.port(), "everything"));
        Map<String, List<String>> got = fields(info(larder.port(), "everything"));
        assertThat(List.copyOf(got.keySet())).isEqualTo(List.copyOf(want.keySet()));
        List<String> problems = new ArrayList<>();
        for (String section : want.keySet()) {
            List<String> ours = new ArrayList<>(got.get(section));
            ours.removeAll(ADDED_IN_7_2);
            if (!ours.equals(want.get(section))) {
                problems.add(section + ":\n    redis:  " + want.get(section) + "\n    larder: " + got.get(section));
            }
        }
        assertThat(problems).as("sections whose fields differ").isEmpty();
        List<String> all = new ArrayList<>();
        got.values().forEach(all::addAll);
        assertThat(all).as("7.2 fields").containsAll(ADDED_IN_7_2);
    }

    @Test
    void sectionSelectionMatchesTheOracle() throws IOException {
        for (String[] args : new String[][]{{}, {"all"}, {"default"}, {"everything"}, {"server", "keyspace"},
                {"SERVER"}, {"modules"}, {"nosuch"}, {"default", "commandstats"}, {"cpu", "server"}}) {
            assertThat(fields(info(larder.port(), args)).keySet()).as("INFO %s", String.join(" ", args))
                    .containsExactlyElementsOf(fields(info(redis.port(), args)).keySet());
        }
    }

    @Test
    void valuesAndFormat() throws Exception {
        try (LarderServer fresh = LarderServer.start()) {
            checkValuesAndFormat(fresh);
        }
    }

    private static void checkValuesAndFormat(LarderServer larder) throws IOException {
        String text = info(larder.port(), "everything");
        assertThat(text).startsWith("# Server\r\n").endsWith("\r\n").doesNotEndWith("\r\n\r\n").contains("\r\n\r\n# Clients\r\n");
        Map<String, String> v = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            if (line.contains(":")) {
                v.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
            }
        }
        assertThat(v.get("redis_version")).isEqualTo(Version.REDIS);
        assertThat(v.get("redis_mode")).isEqualTo("standalone");
        assertThat(v.get("run_id")).isEqualTo(larder.node().runId()).matches("[0-9a-f]{40}");
        assertThat(v.get("tcp_port")).isEqualTo(String.valueOf(larder.port()));
        assertThat(v.get("process_id")).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        assertThat(v.get("listener0")).isEqualTo("name=tcp,bind=127.0.0.1,port=" + larder.port());
        assertThat(v.get("used_memory_human")).matches("\\d+\\.\\d\\d[KMG]");
        assertThat(Long.parseLong(v.get("used_memory"))).isPositive();
        assertThat(v.get("role")).isEqualTo("master");
        assertThat(v.get("master_replid")).matches("[0-9a-f]{40}").isNotEqualTo(v.get("run_id"));
        assertThat(v.get("used_cpu_user")).matches("\\d+\\.\\d{6}");
        assertThat(v.get("cmdstat_get")).matches("calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0");
        assertThat(v.get("errorstat_ERR")).isEqualTo("count=1");
        assertThat(v.get("latency_percentiles_usec_get")).matches("p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}");
        assertThat(v.get("db0")).isEqualTo("keys=1,expires=0,avg_ttl=0");
        assertThat(v.get("keyspace_hits")).isEqualTo("1");
        assertThat(v.get("keyspace_misses")).isEqualTo("1");
        assertThat(v.get("total_error_replies")).isEqualTo("1");
    }

    @Test
    void averageTtlIsEstimatedFromKeysWithATtl() throws Exception {
        try (LarderServer fresh = LarderServer.start(); RawClient c = new RawClient(fresh.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            c.call("SET", "c", "3");
            io.larder.engine.keyspace.Keyspace keyspace = fresh.node().keyspace();
            long now = System.currentTimeMillis();
            keyspace.lockAll();
            try {
                keyspace.db(0).expire("a".getBytes(), now + 100_000);
                keyspace.db(0).expire("b".getBytes(), now + 300_000);
            } finally {
                keyspace.unlockAll();
            }
            String line = Resp.parse(c.call("INFO", "keyspace")).payload().split("\r\n")[1];
            assertThat(line).startsWith("db0:keys=3,expires=2,avg_ttl=");
            long avg = Long.parseLong(line.substring(line.lastIndexOf('=') + 1));
            assertThat(avg).isBetween(195_000L, 200_000L);
        }
    }

    @Test
    void resp3RepliesVerbatimText() throws IOException {
        assumeTrue(larder.node().commands().get("hello") != null, "HELLO is not registered in this build");
        try (RawClient c = new RawClient(larder.port())) {
            c.call("HELLO", "3");
            Resp reply = Resp.parse(c.call("INFO", "server"));
            assertThat(reply.header()).startsWith("=");
            assertThat(reply.payload()).startsWith("txt:# Server\r\nredis_version:");
        }
    }

    @Test
    void instantaneousOpsFollowsTheLoad() throws Exception {
        try (RawClient c = new RawClient(larder.port())) {
            long until = System.currentTimeMillis() + 1200;
            while (System.currentTimeMillis() < until) {
                c.call("PING");
            }
            String text = Resp.parse(c.call("INFO", "stats")).payload();
            String ops = text.replaceAll("(?s).*instantaneous_ops_per_sec:(\\d+).*", "$1");
            assertThat(Long.parseLong(ops)).isPositive();
        }
    }

    @Test
    void humanSizesFollowRedis() {
        assertThat(InfoCommand.human(0)).isEqualTo("0B");
        assertThat(InfoCommand.human(1023)).isEqualTo("1023B");
        assertThat(InfoCommand.human(1024)).isEqualTo("1.00K");
        assertThat(InfoCommand.human(1064664)).isEqualTo("1.02M");
        assertThat(InfoCommand.human(25276514304L)).isEqualTo("23.54G");
        assertThat(InfoCommand.trimDouble(99.9)).isEqualTo("99.9");
        assertThat(InfoCommand.trimDouble(50)).isEqualTo("50");
    }
}
