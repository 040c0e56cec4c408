package io.larder.node.commands.transaction;

import io.larder.node.testing.JedisOracleTestBase;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jedis's Transaction API against redis-server and Larder: the same results on both. */
class JedisTransactionTest extends JedisOracleTestBase {

    @Test
    void multiExecWithResponses() {
        List<List<Object>> results = new ArrayList<>();
        both(j -> {
            Transaction t = j.multi();
            t.set("a", "1");
            Response<Long> incr = t.incr("a");
            Response<Long> sadd = t.sadd("s", "x", "y");
            Response<String> get = t.get("a");
            results.add(t.exec());
            assertThat(incr.get()).isEqualTo(2L);
            assertThat(sadd.get()).isEqualTo(2L);
            assertThat(get.get()).isEqualTo("2");
        });
        assertThat(results.get(1)).isEqualTo(results.get(0));
    }

    @Test
    void runtimeErrorInsideExecIsReturnedInItsPlace() {
        both(j -> {
            j.set("s", "text");
            Transaction t = j.multi();
            Response<Long> bad = t.incr("s");
            Response<String> good = t.set("t", "1");
            t.exec();
            assertThat(good.get()).isEqualTo("OK");
            assertThatThrownBy(bad::get).isInstanceOf(JedisDataException.class).hasMessageContaining("not an integer");
        });
    }

    @Test
    void watchAbortedByAnotherClientAndThenRetried() {
        for (int port : new int[] {redis.port(), larder.port()}) {
            try (Jedis watcher = new Jedis("127.0.0.1", port); Jedis other = new Jedis("127.0.0.1", port)) {
                watcher.set("balance", "10");
                watcher.watch("balance");
                other.incrBy("balance", 5);
                Transaction t = watcher.multi();
                t.decrBy("balance", 3);
                assertThat(t.exec()).as("port %d", port).isNull();
                // the retry, unwatched by anyone else, goes through
                watcher.watch("balance");
                Transaction retry = watcher.multi();
                retry.decrBy("balance", 3);
                assertThat(retry.exec()).as("port %d", port).containsExactly(12L);
            }
        }
    }

    @Test
    void discardDropsTheQueue() {
        both(j -> {
            Transaction t = j.multi();
            t.set("gone", "1");
            t.discard();
            assertThat(j.exists("gone")).isFalse();
        });
    }
}
