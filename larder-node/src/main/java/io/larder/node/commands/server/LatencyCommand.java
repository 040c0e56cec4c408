package io.larder.node.commands.server;

import io.larder.node.command.CommandSpec;
import io.larder.node.server.Client;
import io.larder.node.server.LatencyMonitor;
import io.larder.node.server.LatencyMonitor.Sample;
import org.HdrHistogram.AbstractHistogram;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR | HISTOGRAM | HELP over the node's latency monitor. */
final class LatencyCommand {
    private LatencyCommand() {
    }

    static CommandSpec build() {
        return CommandSpec.builder("latency", -2).acl("slow").group("server").since("2.8.13")
                .complexity("Depends on subcommand.").summary("Inspects the latency monitor")
                .subcommand(admin("doctor", 2, "2.8.13", "O(1)", "Explains the recorded latency spikes in words")
                        .handler(LatencyCommand::doctor))
                .subcommand(admin("graph", 3, "2.8.13", "O(1)", "Draws the recorded spikes of one event as text")
                        .handler(LatencyCommand::graph))
                .subcommand(CommandSpec.builder("help", 2).flags("loading stale").acl("slow").group("server")
                        .since("2.8.13").complexity("O(1)").summary("Explains the LATENCY subcommands")
                        .handler(LatencyCommand::help))
                .subcommand(admin("histogram", -2, "7.0.0",
                        "O(N) where N is the number of commands with latency information being retrieved.",
                        "Returns the latency distribution of commands").handler(LatencyCommand::histogram))
                .subcommand(admin("history", 3, "2.8.13", "O(1)", "Returns the recorded spikes of one event")
                        .handler(LatencyCommand::history))
                .subcommand(admin("latest", 2, "2.8.13", "O(1)", "Returns the newest spike of every event")
                        .handler(LatencyCommand::latest))
                .subcommand(CommandSpec.builder("reset", -2).flags("admin noscript loading stale")
                        .acl("admin slow dangerous").tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .group("server").since("2.8.13").complexity("O(1)")
                        .summary("Forgets the spikes of some or all events").handler(LatencyCommand::reset))
                .build();
    }

    private static CommandSpec.Builder admin(String name, int arity, String since, String complexity, String summary) {
        return CommandSpec.builder(name, arity).flags("admin noscript loading stale").acl("admin slow dangerous")
                .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                .group("server").since(since).complexity(complexity).summary(summary);
    }

    private static void latest(Client c, byte[][] args) {
        List<LatencyMonitor.Latest> latest = c.node().latencyMonitor().latest();
        c.reply().array(latest.size());
        for (LatencyMonitor.Latest l : latest) {
            c.reply().array(4);
            c.reply().bulk(l.event());
            c.reply().integer(l.latest().unixSeconds());
            c.reply().integer(l.latest().millis());
            c.reply().integer(l.maxMillis());
        }
    }

    private static void history(Client c, byte[][] args) {
        List<Sample> samples = c.node().latencyMonitor().history(CommandCommand.text(args[2]));
        c.reply().array(samples.size());
        for (Sample s : samples) {
            c.reply().array(2);
            c.reply().integer(s.unixSeconds());
            c.reply().integer(s.millis());
        }
    }

    private static void reset(Client c, byte[][] args) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            names.add(CommandCommand.text(args[i]));
        }
        c.reply().integer(c.node().latencyMonitor().reset(names));
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One line per sample: its UTC time, a bar scaled to the worst spike, and the milliseconds. */
    private static void graph(Client c, byte[][] args) {
        String event = CommandCommand.text(args[2]);
        List<Sample> samples = c.node().latencyMonitor().history(event);
        if (samples.isEmpty()) {
            c.error("ERR No samples available for event '" + event + "'");
            return;
        }
        long max = samples.stream().mapToLong(Sample::millis).max().orElse(1);
        long min = samples.stream().mapToLong(Sample::millis).min().orElse(0);
        StringBuilder text = new StringBuilder();
        text.append(event).append(" - high ").append(max).append(" ms, low ").append(min).append(" ms\n");
        for (Sample s : samples) {
            int width = (int) Math.max(1, s.millis() * 40 / Math.max(1, max));
            text.append(CLOCK.format(Instant.ofEpochSecond(s.unixSeconds()))).append(' ')
                    .append("#".repeat(width)).append(' ').append(s.millis()).append(" ms\n");
        }
        c.reply().verbatim("txt", text.toString());
    }

    private static void doctor(Client c, byte[][] args) {
        LatencyMonitor monitor = c.node().latencyMonitor();
        StringBuilder text = new StringBuilder();
        if (monitor.threshold() == 0) {
            text.append("Latency monitoring is disabled. Enable it with CONFIG SET latency-monitor-threshold ")
                    .append("<milliseconds> to record events that take at least that long.\n");
        } else if (monitor.latest().isEmpty()) {
            text.append("No latency spike of ").append(monitor.threshold())
                    .append(" ms or more was recorded since the monitor was enabled or reset.\n");
        } else {
            text.append("Latency spikes of ").append(monitor.threshold()).append(" ms or more were recorded:\n\n");
            int n = 1;
            for (LatencyMonitor.Latest l : monitor.latest()) {
                List<Sample> history = monitor.history(l.event());
                long sum = history.stream().mapToLong(Sample::millis).sum();
                text.append(n++).append(". ").append(l.event()).append(": ").append(history.size())
                        .append(" latency spikes (average ").append(sum / history.size()).append("ms, worst ")
                        .append(l.maxMillis()).append("ms).\n");
                if (l.event().endsWith("command")) {
                    text.append("   Check SLOWLOG GET for the commands responsible; commands over large values or")
                            .append(" whole keyspaces (KEYS, FLUSHALL, DEBUG SLEEP) are the usual cause.\n");
                }
            }
        }
        c.reply().verbatim("txt", text.toString());
    }

    /** Per command, the count of calls and the cumulative count at each power-of-two microsecond bucket. */
    private static void histogram(Client c, byte[][] args) {
        Map<String, CommandSpec> selected = new LinkedHashMap<>();
        if (args.length == 2) {
            for (CommandSpec spec : c.node().commands().all()) {
                selected.put(spec.fullName(), spec);
                spec.subcommands().values().forEach(sub -> selected.put(sub.fullName(), sub));
            }
        } else {
            for (int i = 2; i < args.length; i++) {
                CommandSpec spec = CommandCommand.byFullName(c.node().commands(), args[i]);
                if (spec != null) {
                    selected.put(spec.fullName(), spec);
                }
            }
        }
        List<CommandSpec> withData = selected.values().stream()
                .filter(s -> s.latencyHistogram() != null && s.latencyHistogram().getTotalCount() > 0).toList();
        c.reply().map(withData.size());
        for (CommandSpec spec : withData) {
            AbstractHistogram h = spec.latencyHistogram();
            long total = h.getTotalCount();
            List<long[]> buckets = new ArrayList<>();
            long previous = 0;
            for (long level = 1024; previous < total && level > 0; level *= 2) {
                long cumulative = h.getCountBetweenValues(0, level);
                if (cumulative > previous) {
                    buckets.add(new long[]{h.highestEquivalentValue(level) / 1000, cumulative});
                }
                previous = cumulative;
            }
            c.reply().bulk(spec.fullName());
            c.reply().map(2);
            c.reply().bulk("calls");
            c.reply().integer(total);
            c.reply().bulk("histogram_usec");
            c.reply().map(buckets.size());
            for (long[] b : buckets) {
                c.reply().integer(b[0]);
                c.reply().integer(b[1]);
            }
        }
    }

    private static void help(Client c, byte[][] args) {
        Help.reply(c, "LATENCY",
                "DOCTOR",
                "    A report in words on the recorded latency spikes.",
                "GRAPH <event>",
                "    The recorded spikes of <event> drawn as text.",
                "HISTORY <event>",
                "    Time and duration of the recorded spikes of <event>.",
                "LATEST",
                "    The newest spike of every event.",
                "RESET [<event> ...]",
                "    Forget the spikes of the named events (all events when none is named).",
                "HISTOGRAM [COMMAND ...]",
                "    Cumulative latency distribution of the named commands (all when none is named).");
    }
}
