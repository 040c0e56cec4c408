package io.larder.node.clients;

import io.larder.node.testing.LarderTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RCountDownLatch;
import org.redisson.api.RLock;
import org.redisson.api.RMap;
import org.redisson.api.RMapCache;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RSemaphore;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redisson 4.7 against Larder: its objects are Lua scripts run with EVALSHA (and EVAL on NOSCRIPT). */
class RedissonTest extends LarderTestBase {
    private RedissonClient redisson;

    @BeforeAll
    void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + larder.port()).setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(4).setSubscriptionConnectionPoolSize(2).setSubscriptionConnectionMinimumIdleSize(1)
                .setTimeout(5000);
        config.setLockWatchdogTimeout(2000);
        redisson = Redisson.create(config);
    }

    @AfterAll
    void disconnect() {
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    @Test
    void lockWithLeaseTimeExpires() throws Exception {
        RLock lock = redisson.getLock("lease-lock");
        assertThat(lock.tryLock(1, 1, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        long ttl = lock.remainTimeToLive();
        assertThat(ttl).isBetween(1L, 1000L);
        // Another thread cannot take it until the lease ends.
        Thread other = new Thread(() -> {
            RLock same = redisson.getLock("lease-lock");
            try {
                assertThat(same.tryLock(0, TimeUnit.SECONDS)).isFalse();
                assertThat(same.tryLock(3, 1, TimeUnit.SECONDS)).isTrue();
                same.unlock();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        other.join(10_000);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void watchdogKeepsLockAlive() throws Exception {
        RLock lock = redisson.getLock("watched-lock");
        lock.lock(); // no lease time: the watchdog renews it every watchdogTimeout / 3
        try {
            Thread.sleep(3000); // longer than the 2 s watchdog timeout
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.remainTimeToLive()).isPositive();
            // Reentrant.
            lock.lock();
            assertThat(lock.getHoldCount()).isEqualTo(2);
            lock.unlock();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void semaphore() throws Exception {
        RSemaphore semaphore = redisson.getSemaphore("sem");
        semaphore.delete();
        assertThat(semaphore.trySetPermits(2)).isTrue();
        assertThat(semaphore.tryAcquire()).isTrue();
        assertThat(semaphore.tryAcquire()).isTrue();
        assertThat(semaphore.tryAcquire()).isFalse();
        assertThat(semaphore.availablePermits()).isZero();
        semaphore.release();
        assertThat(semaphore.tryAcquire(Duration.ofSeconds(1))).isTrue();
        semaphore.release(2);
        assertThat(semaphore.availablePermits()).isEqualTo(2);
    }

    @Test
    void map() {
        RMap<String, Integer> map = redisson.getMap("rmap");
        map.delete();
        assertThat(map.put("a", 1)).isNull();
        assertThat(map.put("a", 2)).isEqualTo(1);
        assertThat(map.putIfAbsent("b", 3)).isNull();
        assertThat(map.putIfAbsent("b", 4)).isEqualTo(3);
        assertThat(map.fastPut("c", 5)).isTrue();
        assertThat(map.get("c")).isEqualTo(5);
        assertThat(map.replace("a", 9)).isEqualTo(2);
        assertThat(map.remove("b")).isEqualTo(3);
        assertThat(map.readAllMap()).containsOnlyKeys("a", "c");
        assertThat(map.size()).isEqualTo(2);
    }

    @Test
    void mapCacheWithTtl() throws Exception {
        RMapCache<String, String> cache = redisson.getMapCache("rmapcache");
        cache.delete();
        cache.put("short", "1", 300, TimeUnit.MILLISECONDS);
        cache.put("long", "2", 1, TimeUnit.MINUTES);
        assertThat(cache.get("short")).isEqualTo("1");
        assertThat(cache.putIfAbsent("long", "3")).isEqualTo("2");
        Thread.sleep(600);
        assertThat(cache.get("short")).isNull();
        assertThat(cache.get("long")).isEqualTo("2");
        assertThat(cache.remainTimeToLive("long")).isPositive();
    }

    @Test
    void readWriteLockAndLatch() throws Exception {
        RReadWriteLock rw = redisson.getReadWriteLock("rw");
        rw.readLock().lock(5, TimeUnit.SECONDS);
        assertThat(rw.writeLock().tryLock(0, TimeUnit.SECONDS)).isFalse();
        rw.readLock().unlock();
        assertThat(rw.writeLock().tryLock(1, 5, TimeUnit.SECONDS)).isTrue();
        rw.writeLock().unlock();

        RCountDownLatch latch = redisson.getCountDownLatch("latch");
        latch.trySetCount(2);
        Thread counter = new Thread(() -> {
            latch.countDown();
            latch.countDown();
        });
        counter.start();
        assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(latch.getCount()).isZero();

        RAtomicLong counterValue = redisson.getAtomicLong("atomic");
        counterValue.set(5);
        assertThat(counterValue.compareAndSet(5, 7)).isTrue();
        assertThat(counterValue.compareAndSet(5, 9)).isFalse();
        assertThat(counterValue.getAndDelete()).isEqualTo(7);
    }

    @Test
    void rateLimiter() {
        RRateLimiter limiter = redisson.getRateLimiter("limiter");
        limiter.delete();
        assertThat(limiter.trySetRate(RateType.OVERALL, 3, Duration.ofSeconds(10))).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire(2)).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.availablePermits()).isZero();
    }
}
