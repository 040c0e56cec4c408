package io.larder.node.commands.zset;

import io.larder.engine.set.SetValue;
import io.larder.engine.util.Numbers;
import io.larder.engine.zset.Scores;
import io.larder.engine.zset.ZSetLimits;
import io.larder.engine.zset.ZSetValue;
import io.larder.node.commands.Args;
import io.larder.node.commands.Errors;
import io.larder.node.commands.Lookups;
import io.larder.node.server.Client;
import io.larder.resp.ReplyWriter;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Sources may be sorted sets or plain sets (whose
 * members score 1), weighted and aggregated as Redis's zunionInterDiffGenericCommand does.
 */
final class ZSetAlgebra {
    private ZSetAlgebra() {
    }

    private enum Op { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    /** One input: a sorted set, a set, or nothing (missing key), with its weight. */
    private static final class Source {
        final ZSetValue zset;
        final SetValue set;
        double weight = 1;

        Source(Object value) {
            zset = value instanceof ZSetValue z ? z : null;
            set = value instanceof SetValue s ? s : null;
        }

        boolean missing() {
            return zset == null && set == null;
        }

        int size() {
            return zset != null ? zset.size() : set != null ? set.size() : 0;
        }

        /** The member's unweighted score, NaN when absent. */
        double score(byte[] member) {
            if (zset != null) {
                return zset.score(member);
            }
            return set != null && set.contains(member) ? 1 : Double.NaN;
        }

        void forEach(ZSetValue.EntryVisitor visitor) {
            if (zset != null) {
                zset.forEach(visitor);
            } else if (set != null) {
                set.forEach(m -> visitor.visit(m, 1));
            }
        }
    }

    static void zunion(Client c, byte[][] args) {
        combine(c, args, 1, null, Op.UNION, false, "zunion");
    }

    static void zinter(Client c, byte[][] args) {
        combine(c, args, 1, null, Op.INTER, false, "zinter");
    }

    static void zdiff(Client c, byte[][] args) {
        combine(c, args, 1, null, Op.DIFF, false, "zdiff");
    }

    static void zunionstore(Client c, byte[][] args) {
        combine(c, args, 2, args[1], Op.UNION, false, "zunionstore");
    }

    static void zinterstore(Client c, byte[][] args) {
        combine(c, args, 2, args[1], Op.INTER, false, "zinterstore");
    }

    static void zdiffstore(Client c, byte[][] args) {
        combine(c, args, 2, args[1], Op.DIFF, false, "zdiffstore");
    }

    static void zintercard(Client c, byte[][] args) {
        combine(c, args, 1, null, Op.INTER, true, "zintercard");
    }

    private static void combine(Client c, byte[][] args, int numKeysIndex, byte[] destination, Op op,
                                boolean cardinalityOnly, String name) {
        Long numKeys = Args.parseLong(c, args[numKeysIndex]);
        if (numKeys == null) {
            return;
        }
        if (numKeys < 1) {
            c.error("ERR at least 1 input key is needed for '" + name + "' command");
            return;
        }
        if (numKeys > args.length - (numKeysIndex + 1)) {
            c.error(Errors.SYNTAX);
            return;
        }
        int n = (int) (long) numKeys;
        Source[] sources = new Source[n];
        int j = numKeysIndex + 1;
        for (int i = 0; i < n; i++, j++) {
            Object value = Lookups.read(c, c.db(), args[j]);
            if (value != null && !(value instanceof ZSetValue) && !(value instanceof SetValue)) {
                c.error(Errors.WRONGTYPE);
                return;
            }
            sources[i] = new Source(value);
        }
        Aggregate aggregate = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < args.length) {
            int remaining = args.length - j;
            if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && Args.is(args[j], "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    try {
                        sources[i].weight = Scores.parseStrict(args[j], 0);
                    } catch (Scores.NotAScore e) {
                        c.error("ERR weight value is not a float");
                        return;
                    }
                }
            } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && Args.is(args[j], "aggregate")) {
                byte[] a = args[j + 1];
                if (Args.is(a, "sum")) {
                    aggregate = Aggregate.SUM;
                } else if (Args.is(a, "min")) {
                    aggregate = Aggregate.MIN;
                } else if (Args.is(a, "max")) {
                    aggregate = Aggregate.MAX;
                } else {
                    c.error(Errors.SYNTAX);
                    return;
                }
                j += 2;
            } else if (destination == null && !cardinalityOnly && Args.is(args[j], "withscores")) {
                withScores = true;
                j++;
            } else if (cardinalityOnly && remaining >= 2 && Args.is(args[j], "limit")) {
                long l;
                try {
                    l = Numbers.parseLong(args[j + 1]);
                } catch (Numbers.NotANumber e) {
                    l = -1;
                }
                if (l < 0) {
                    c.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = l;
                j += 2;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Map<ByteBuffer, double[]> result = new HashMap<>();
        int[] longest = {0};
        Aggregate agg = aggregate;
        switch (op) {
            case INTER -> {
                if (Arrays.stream(sources).anyMatch(Source::missing)) {
                    break;
                }
                Arrays.sort(sources, Comparator.comparingInt(Source::size));
                long max = limit;
                sources[0].forEach((m, s) -> {
                    double score = weighted(sources[0].weight, s);
                    for (int k = 1; k < sources.length; k++) {
                        double other = sources[k].score(m);
                        if (Double.isNaN(other)) {
                            return true;
                        }
                        score = aggregate(agg, score, weighted(sources[k].weight, other));
                    }
                    result.put(ByteBuffer.wrap(m), new double[]{score});
                    longest[0] = Math.max(longest[0], m.length);
                    return !cardinalityOnly || max == 0 || result.size() < max;
                });
            }
            case UNION -> {
                for (Source src : sources) {
                    src.forEach((m, s) -> {
                        double score = weighted(src.weight, s);
                        double[] acc = result.get(ByteBuffer.wrap(m));
                        if (acc == null) {
                            result.put(ByteBuffer.wrap(m), new double[]{score});
                            longest[0] = Math.max(longest[0], m.length);
                        } else {
                            acc[0] = aggregate(agg, acc[0], score);
                        }
                        return true;
                    });
                }
            }
            case DIFF -> sources[0].forEach((m, s) -> {
                for (int k = 1; k < sources.length; k++) {
                    if (!sources[k].missing() && !Double.isNaN(sources[k].score(m))) {
                        return true;
                    }
                }
                result.put(ByteBuffer.wrap(m), new double[]{s});
                longest[0] = Math.max(longest[0], m.length);
                return true;
            });
        }
        ReplyWriter reply = c.reply();
        if (cardinalityOnly) {
            reply.integer(result.size());
            return;
        }
        ZSetLimits limits = ZSets.limits(c);
        ZSetValue out = ZSetValue.create(result.size(), longest[0], limits);
        result.forEach((m, s) -> out.put(m.array(), s[0], limits));
        if (destination != null) {
            ZSets.store(c, destination, out, name);
            return;
        }
        boolean ws = withScores;
        ZSets.elementsHeader(reply, out.size(), ws);
        out.forEach((m, s) -> {
            ZSets.element(reply, m, s, ws);
            return true;
        });
    }

    /** A weighted score; Redis turns the NaN of 0 * inf into 0. */
    private static double weighted(double weight, double score) {
        double v = weight * score;
        return Double.isNaN(v) ? 0 : v;
    }

    private static double aggregate(Aggregate aggregate, double target, double value) {
        return switch (aggregate) {
            case SUM -> {
                double sum = target + value;
                yield Double.isNaN(sum) ? 0 : sum;
            }
            case MIN -> value < target ? value : target;
            case MAX -> value > target ? value : target;
        };
    }
}
