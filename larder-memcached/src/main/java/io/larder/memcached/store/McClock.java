package io.larder.memcached.store;

/**
 * memcached's notion of time: whole seconds relative to the process start ("rel time"), and the conversion of
 * client expiry values (relative up to 30 days, absolute unix time beyond, negative = already expired).
 */
public interface McClock {
    /** Relative expiry values above this are unix timestamps. */
    int REALTIME_MAXDELTA = 60 * 60 * 24 * 30;

    /** Seconds since the process started (memcached's current_time). */
    int now();

    /** Unix time of the process start, in seconds. */
    long processStarted();

    /** memcached's realtime(EXPTIME_TO_POSITIVE_TIME(exptime)): 0 = never, otherwise a rel time. */
    default int expiry(long exptime) {
        if (exptime < 0) {
            exptime = REALTIME_MAXDELTA + 1;
        }
        if (exptime == 0) {
            return 0;
        }
        if (exptime > REALTIME_MAXDELTA) {
            long started = processStarted();
            return exptime <= started ? 1 : (int) Math.min(Integer.MAX_VALUE, exptime - started);
        }
        return (int) (exptime + now());
    }

    /** The wall clock; the process "started" two seconds ago so that rel time 1 is always in the past. */
    static McClock system() {
        long started = System.currentTimeMillis() / 1000 - 2;
        return new McClock() {
            @Override
            public int now() {
                return (int) (System.currentTimeMillis() / 1000 - started);
            }

            @Override
            public long processStarted() {
                return started;
            }
        };
    }
}
