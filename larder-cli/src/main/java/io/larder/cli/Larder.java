package io.larder.cli;

import io.larder.cli.certs.Certs;
import io.larder.cli.control.ClusterVerbs;
import io.larder.cli.control.Down;
import io.larder.cli.control.GetMetricStatistics;
import io.larder.cli.control.ParameterGroupVerbs;
import io.larder.cli.control.SecurityVerbs;
import io.larder.cli.control.Up;
import io.larder.cli.control.Wait;
import io.larder.memcached.server.McMain;
import io.larder.node.server.NodeMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code larder} command. Node sub-commands take their server's own flags unchanged. */
@Command(name = "larder", mixinStandardHelpOptions = true, version = "larder 0.1.0",
        description = "Self-hosted managed in-memory caches that speak Redis and Memcached.",
        subcommands = {Larder.Server.class, Larder.Memcached.class, Certs.class, Up.class, Down.class, ClusterVerbs.Create.class, ClusterVerbs.Describe.class,
                ClusterVerbs.Modify.class, ClusterVerbs.Reboot.class, ClusterVerbs.Delete.class,
                ClusterVerbs.DescribeEvents.class, ClusterVerbs.DescribeEngineVersions.class, Wait.class,
                GetMetricStatistics.class, ParameterGroupVerbs.DescribeGroups.class,
                ParameterGroupVerbs.DescribeParameters.class, ParameterGroupVerbs.DescribeEngineDefaults.class,
                ParameterGroupVerbs.Create.class, ParameterGroupVerbs.Modify.class, ParameterGroupVerbs.Reset.class,
                ParameterGroupVerbs.Delete.class, AuthTokenCommands.Generate.class, AuthTokenCommands.GenerateKey.class,
                SecurityVerbs.DescribeCaCertificate.class})
public final class Larder implements Runnable {
    public static void main(String[] args) {
        int status = new CommandLine(new Larder()).setUnmatchedOptionsArePositionalParams(true)
                .setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(status);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "server", description = "Run a Redis-compatible node: same arguments as redis-server "
            + "([redis.conf] [--name value ...]).")
    static final class Server extends NodeCommand {
        @Override
        int run(List<String> arguments) throws Exception {
            return NodeMain.run(arguments);
        }
    }

    @Command(name = "memcached", description = "Run a memcached-compatible node: same flags as memcached 1.6 "
            + "(-p -U -l -m -c -t -I -v -vv -M -C -S -Y -f -n -o ...).")
    static final class Memcached extends NodeCommand {
        @Override
        int run(List<String> arguments) throws Exception {
            return McMain.run(arguments);
        }
    }

    /** A node sub-command: every argument, options included, goes to the node's own parser unchanged. */
    abstract static class NodeCommand implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "ARG", description = "the node's arguments, as the real server takes them")
        List<String> args = new ArrayList<>();

        @Unmatched
        List<String> unmatched = new ArrayList<>();

        abstract int run(List<String> arguments) throws Exception;

        @Override
        public Integer call() throws Exception {
            List<String> all = new ArrayList<>(args);
            all.addAll(unmatched);
            return run(all);
        }
    }
}
