package io.larder.node.clients;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.resps.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A Jedis leaderboard (ZADD, ZINCRBY, ZREVRANK, ZREVRANGE WITHSCORES) over RESP2 and RESP3, on both servers. */
class LeaderboardClientTest extends TwoServers {

    @ParameterizedTest
    @MethodSource("targets")
    void resp2Leaderboard(Target target) {
        play(target, RedisProtocol.RESP2);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void resp3Leaderboard(Target target) {
        play(target, RedisProtocol.RESP3);
    }

    private void play(Target target, RedisProtocol protocol) {
        String board = prefix() + "board";
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", target.port()),
                DefaultJedisClientConfig.builder().protocol(protocol).build())) {
            int players = 500;
            Map<String, Double> expected = new HashMap<>();
            Pipeline pipe = jedis.pipelined();
            for (int i = 0; i < players; i++) {
                pipe.zadd(board, 0, "player" + i);
                expected.put("player" + i, 0.0);
            }
            pipe.sync();
            Random random = new Random(42);
            for (int round = 0; round < 3000; round++) {
                String player = "player" + random.nextInt(players);
                double points = random.nextInt(100);
                double total = jedis.zincrby(board, points, player);
                expected.merge(player, points, Double::sum);
                assertThat(total).isEqualTo(expected.get(player));
            }
            List<Map.Entry<String, Double>> ranking = expected.entrySet().stream()
                    .sorted((a, b) -> a.getValue().equals(b.getValue()) ? b.getKey().compareTo(a.getKey())
                            : Double.compare(b.getValue(), a.getValue()))
                    .collect(Collectors.toList());
            List<Tuple> top = jedis.zrevrangeWithScores(board, 0, 9);
            assertThat(top).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(top.get(i).getElement()).isEqualTo(ranking.get(i).getKey());
                assertThat(top.get(i).getScore()).isEqualTo(ranking.get(i).getValue());
            }
            IntStream.of(0, 1, 57, 250, players - 1).forEach(i ->
                    assertThat(jedis.zrevrank(board, ranking.get(i).getKey())).isEqualTo(i));
            assertThat(jedis.zrevrank(board, "nobody")).isNull();
            assertThat(jedis.zcard(board)).isEqualTo(players);
            assertThat(jedis.zscore(board, ranking.get(0).getKey())).isEqualTo(ranking.get(0).getValue());
            assertThat(jedis.zadd(board, 1.5, "newcomer")).isEqualTo(1);
            assertThat(jedis.zscore(board, "newcomer")).isEqualTo(1.5);
            assertThat(jedis.del(board)).isEqualTo(1);
        }
    }
}
