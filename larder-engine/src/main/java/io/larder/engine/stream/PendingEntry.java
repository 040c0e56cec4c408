package io.larder.engine.stream;

/** An entry delivered to a consumer and not yet acknowledged (Redis's streamNACK). */
public final class PendingEntry {
    /** Null only for an entry XCLAIM FORCE created and has not yet given an owner. */
    public Consumer consumer;
    public long deliveryTime;
    public long deliveryCount;

    public PendingEntry(Consumer consumer, long deliveryTime, long deliveryCount) {
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }
}
