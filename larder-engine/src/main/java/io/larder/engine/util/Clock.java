package io.larder.engine.util;

/** Wall-clock time in unix milliseconds; injected so expiry tests advance time instead of sleeping. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::currentTimeMillis;

    long millis();
}
