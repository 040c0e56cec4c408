package io.larder.node.commands.zset;

import io.larder.node.testing.RawOracleTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large (skiplist) sorted sets against the oracle, reply for reply: ranks, rank/score/lex ranges with LIMIT and
 * REV, removals by range, ZUNIONSTORE/ZINTERSTORE with weights and aggregates, and seeded random
 * ZADD/ZREM/ZINCRBY sequences. Scores are integers and halves, whose 7.0 (%.17g) and 7.2 forms agree.
 */
class ZSetOracleTest extends RawOracleTestBase {
    @Override
    protected String[] serverOptions() {
        return new String[] {"--enable-debug-command", "yes"};
    }

    @BeforeEach
    void clean() throws IOException {
        oracle.call("FLUSHALL");
        ours.call("FLUSHALL");
    }

    /** Sends the command to both servers and requires byte-identical replies; returns the reply. */
    private String same(String... command) throws IOException {
        String want = new String(oracle.call(command), StandardCharsets.ISO_8859_1);
        String got = new String(ours.call(command), StandardCharsets.ISO_8859_1);
        assertThat(got).as(String.join(" ", command)).isEqualTo(want);
        return got;
    }

    private void fill(String key, int members, SplittableRandom random) throws IOException {
        List<String> command = new ArrayList<>(List.of("ZADD", key));
        for (int i = 0; i < members; i++) {
            command.add(score(random));
            command.add("m" + random.nextInt(members * 2));
            if (command.size() > 200) {
                same(command.toArray(String[]::new));
                command = new ArrayList<>(List.of("ZADD", key));
            }
        }
        if (command.size() > 2) {
            same(command.toArray(String[]::new));
        }
    }

    private static String score(SplittableRandom random) {
        int whole = random.nextInt(2000) - 1000;
        return random.nextInt(4) == 0 ? whole + ".5" : Integer.toString(whole);
    }

    @Test
    void ranksAndRangesOfALargeSet() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        fill("big", 3000, random);
        assertThat(same("OBJECT", "ENCODING", "big")).contains("skiplist");
        same("ZCARD", "big");
        for (int i = 0; i < 200; i++) {
            String member = "m" + random.nextInt(6000);
            same("ZRANK", "big", member);
            same("ZREVRANK", "big", member);
            same("ZSCORE", "big", member);
        }
        for (int i = 0; i < 100; i++) {
            String a = Integer.toString(random.nextInt(7000) - 3500);
            String b = Integer.toString(random.nextInt(7000) - 3500);
            same("ZRANGE", "big", a, b, "WITHSCORES");
            same("ZREVRANGE", "big", a, b);
            String lo = (random.nextBoolean() ? "(" : "") + score(random);
            String hi = (random.nextBoolean() ? "(" : "") + score(random);
            String offset = Integer.toString(random.nextInt(50) - 5);
            String count = Integer.toString(random.nextInt(30) - 3);
            same("ZRANGEBYSCORE", "big", lo, hi, "WITHSCORES", "LIMIT", offset, count);
            same("ZREVRANGEBYSCORE", "big", hi, lo, "LIMIT", offset, count);
            same("ZRANGE", "big", lo, hi, "BYSCORE", "REV", "LIMIT", offset, count);
            same("ZRANGE", "big", hi, lo, "BYSCORE", "REV", "WITHSCORES");
            same("ZCOUNT", "big", lo, hi);
        }
        same("ZRANGE", "big", "-inf", "+inf", "BYSCORE", "LIMIT", "2990", "100");
        same("ZRANGESTORE", "part", "big", "(-100", "100", "BYSCORE");
        same("ZRANGE", "part", "0", "-1", "WITHSCORES");
        same("ZREMRANGEBYRANK", "big", "100", "200");
        same("ZREMRANGEBYSCORE", "big", "(0", "10.5");
        same("ZRANGE", "big", "0", "-1", "WITHSCORES");
        same("ZPOPMIN", "big", "5");
        same("ZPOPMAX", "big", "5");
        same("ZMPOP", "1", "big", "MAX", "COUNT", "3");
        same("ZRANGE", "big", "0", "-1", "WITHSCORES");
    }

    @Test
    void lexRangesOfALargeSet() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        List<String> command = new ArrayList<>(List.of("ZADD", "lex"));
        for (int i = 0; i < 2000; i++) {
            command.add("0");
            command.add(Integer.toString(random.nextInt(100_000), 36));
        }
        same(command.toArray(String[]::new));
        for (int i = 0; i < 150; i++) {
            String a = (random.nextBoolean() ? "[" : "(") + Integer.toString(random.nextInt(100_000), 36);
            String b = (random.nextBoolean() ? "[" : "(") + Integer.toString(random.nextInt(100_000), 36);
            same("ZRANGEBYLEX", "lex", a, b, "LIMIT", Integer.toString(random.nextInt(20)), "15");
            same("ZREVRANGEBYLEX", "lex", b, a, "LIMIT", "0", "10");
            same("ZRANGE", "lex", b, a, "BYLEX", "REV", "LIMIT", "1", "7");
            same("ZLEXCOUNT", "lex", a, b);
            same("ZRANGEBYLEX", "lex", "-", a, "LIMIT", "0", "5");
            same("ZRANGEBYLEX", "lex", a, "+", "LIMIT", "0", "5");
        }
        same("ZREMRANGEBYLEX", "lex", "[c", "(k");
        same("ZRANGEBYLEX", "lex", "-", "+");
    }

    @Test
    void unionAndIntersectionStoresWithWeightsAndAggregates() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        fill("a", 1500, random);
        fill("b", 1500, random);
        fill("c", 100, random);
        for (String aggregate : new String[]{"SUM", "MIN", "MAX"}) {
            same("ZUNIONSTORE", "u", "3", "a", "b", "c", "WEIGHTS", "2", "-1", "0.5", "AGGREGATE", aggregate);
            same("ZRANGE", "u", "0", "-1", "WITHSCORES");
            same("OBJECT", "ENCODING", "u");
            same("ZINTERSTORE", "i", "2", "a", "b", "WEIGHTS", "1", "3", "AGGREGATE", aggregate);
            same("ZRANGE", "i", "0", "-1", "WITHSCORES");
            same("ZUNION", "2", "a", "c", "AGGREGATE", aggregate, "WITHSCORES");
            same("ZINTER", "2", "c", "a", "WEIGHTS", "0.5", "2", "AGGREGATE", aggregate, "WITHSCORES");
        }
        same("ZDIFFSTORE", "d", "2", "a", "b");
        same("ZRANGE", "d", "0", "-1", "WITHSCORES");
        same("ZINTERCARD", "2", "a", "b");
        same("ZINTERCARD", "2", "a", "b", "LIMIT", "10");
    }

    @Test
    void randomAddRemoveIncrementSequences() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int members = seed == 1 ? 60 : 800;
            for (int op = 0; op < 3000; op++) {
                String member = "m" + random.nextInt(members);
                switch (random.nextInt(8)) {
                    case 0, 1, 2 -> same("ZADD", "r", score(random), member);
                    case 3 -> same("ZADD", "r", random.nextBoolean() ? "GT" : "LT", "CH", score(random), member);
                    case 4 -> same("ZREM", "r", member, "m" + random.nextInt(members));
                    case 5, 6 -> same("ZINCRBY", "r", Integer.toString(random.nextInt(21) - 10), member);
                    default -> same("ZADD", "r", "XX", "INCR", random.nextInt(3) + ".5", member);
                }
                if (op % 50 == 0) {
                    same("ZRANK", "r", member);
                    same("ZREVRANGE", "r", "0", "9", "WITHSCORES");
                    same("ZCARD", "r");
                }
            }
            same("ZRANGE", "r", "0", "-1", "WITHSCORES");
            same("OBJECT", "ENCODING", "r");
            assertThat(same("DEBUG", "DIGEST-VALUE", "r")).doesNotContain("ERR");
            same("DEL", "r");
        }
    }
}
