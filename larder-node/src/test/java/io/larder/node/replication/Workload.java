package io.larder.node.replication;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.List;
import java.util.Random;

/**
 * A seeded write load over three databases: strings, hashes, lists, sets, sorted sets (scores exact in few digits,
 * which Redis 7.0 and 7.2 digest alike) and geo sets, HyperLogLog, bitmaps,
 * transactions, scripts (replicated as their effects), renames and moves, and keys that expire either within a
 * few hundred milliseconds or not for hours. No streams: Larder's RDB reader does not load them yet, so a full
 * synchronisation from a primary holding one fails.
 */
final class Workload {
    private static final String SCRIPT = "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', KEYS[2])"
            + " return redis.call('rpush', KEYS[3], ARGV[1])";

    private Workload() {
    }

    static void run(Jedis j, Random random, int operations) {
        int db = 0;
        j.select(0);
        for (int i = 0; i < operations; i++) {
            if (random.nextInt(100) == 0) {
                db = random.nextInt(3);
                j.select(db);
            }
            try {
                one(j, random);
            } catch (JedisDataException e) {
                // a command on a key of another type: refused alike on both sides, nothing to replicate
            }
        }
        j.select(0);
    }

    private static void one(Jedis j, Random r) {
        String k = Integer.toString(r.nextInt(60));
        String v = "v" + r.nextInt(1000);
        switch (r.nextInt(30)) {
            case 0 -> j.set("s:" + k, v);
            case 1 -> j.incrBy("n:" + k, r.nextInt(100) - 50);
            case 2 -> j.append("s:" + k, v);
            case 3 -> j.psetex("t:" + k, 50 + r.nextInt(250), v);
            case 4 -> j.setex("t:" + k, 3600 + r.nextInt(100), v);
            case 5 -> j.hset("h:" + k, "f" + r.nextInt(20), v);
            case 6 -> j.hincrBy("h:" + k, "c", r.nextInt(10));
            case 7 -> j.hdel("h:" + k, "f" + r.nextInt(20));
            case 8 -> j.rpush("l:" + k, v, v + "x");
            case 9 -> j.lpop("l:" + k);
            case 10 -> j.ltrim("l:" + k, 0, 5);
            case 11 -> j.sadd("set:" + k, v, Integer.toString(r.nextInt(50)));
            case 12 -> j.srem("set:" + k, v);
            case 13 -> j.spop("set:" + k);
            case 14 -> j.zadd("z:" + k, r.nextInt(200) / 2.0, v);
            case 15 -> j.zincrby("z:" + k, 1.5, v);
            case 16 -> j.zpopmin("z:" + k);
            case 17 -> j.lmove("l:" + k, "l:" + r.nextInt(60), redis.clients.jedis.args.ListDirection.LEFT,
                    redis.clients.jedis.args.ListDirection.RIGHT);
            case 18 -> j.zunionstore("z:" + k, "z:" + r.nextInt(60), "z:" + r.nextInt(60));
            case 19 -> j.geoadd("geo:" + k, r.nextInt(360) - 180, r.nextInt(170) - 85, v);
            case 20 -> j.pfadd("hll:" + k, v, "e" + r.nextInt(500));
            case 21 -> j.setbit("b:" + k, r.nextInt(300), r.nextBoolean());
            case 22 -> {
                Transaction t = j.multi();
                t.set("s:" + k, v);
                t.incr("n:" + k);
                t.lpush("l:" + k, v);
                t.exec();
            }
            case 23 -> j.eval(SCRIPT, List.of("s:" + k, "n:" + k, "l:" + k), List.of(v));
            case 24 -> j.del("s:" + k, "l:" + k);
            case 25 -> j.rename("h:" + k, "h:" + r.nextInt(60));
            case 26 -> j.move("s:" + k, r.nextInt(3));
            case 27 -> j.expire("set:" + k, 7200);
            case 28 -> j.persist("t:" + k);
            case 29 -> j.incrByFloat("f:" + k, r.nextInt(9) / 4.0);
            default -> throw new IllegalStateException();
        }
    }
}
