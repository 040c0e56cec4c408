package io.larder.node.server;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's pub/sub state: its channels, patterns and shard channels (changed by its own event loop under
 * the registry's lock; counts readable from anywhere for CLIENT LIST), and the mailbox through which other
 * event loops hand it messages.
 */
public final class Subscriptions {
    /** How far a publisher may get ahead of a subscriber's event loop before it is paused (see deliver). */
    static final long MAILBOX_PAUSE_BYTES = 256 * 1024;

    private final Set<PubSub.Name> channels = new LinkedHashSet<>();
    private final Set<PubSub.Name> patterns = new LinkedHashSet<>();
    private final Set<PubSub.Name> shardChannels = new LinkedHashSet<>();
    private volatile int channelCount;
    private volatile int patternCount;
    private volatile int shardCount;

    private final ConcurrentLinkedQueue<Pending> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Bytes waiting in the mailbox. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Publishers paused because this mailbox ran ahead; the next drain resumes them. */
    private final ConcurrentLinkedQueue<ClientHandler> pausedPublishers = new ConcurrentLinkedQueue<>();
    /** Against the pubsub output limit; touched by the owner's loop. */
    private final PubSub.OutputLimit.Watch outputWatch = new PubSub.OutputLimit.Watch();

    Set<PubSub.Name> of(PubSub.Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    /** The subscribed names of one kind; for the connection's own event loop (ACL re-checks them). */
    public java.util.List<byte[]> names(PubSub.Kind kind) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (PubSub.Name n : of(kind)) {
            out.add(n.bytes);
        }
        return out;
    }

    void recount() {
        channelCount = channels.size();
        patternCount = patterns.size();
        shardCount = shardChannels.size();
    }

    /** CLIENT LIST sub. */
    public int channels() { return channelCount; }

    /** CLIENT LIST psub. */
    public int patterns() { return patternCount; }

    /** CLIENT LIST ssub. */
    public int shardChannels() { return shardCount; }

    /** Subscriptions of every kind; a client with any is a pub/sub client (flag P, RESP2 subscribed mode). */
    public int total() { return channelCount + patternCount + shardCount; }

    /** The count a confirmation reports: channels and patterns together, shard channels on their own. */
    int count(PubSub.Kind kind) {
        return kind == PubSub.Kind.SHARD ? shardCount : channelCount + patternCount;
    }

    /**
     * Queues a message from the publisher's event loop and makes sure the owner's event loop will write it.
     * Messages arriving while a drain is pending ride along with it, so a burst costs one flush per subscriber.
     * <p>
     * In Redis the publisher and the subscribers share one thread, so a publisher cannot get ahead of the
     * writes to its subscribers. Here the subscriber's event loop may be held up (the OS, GC) while the
     * publisher's runs on; its mailbox would then land in the output buffer all at once and could push a
     * subscriber that reads perfectly well over client-output-buffer-limit. So a publisher that gets more than
     * {@link #MAILBOX_PAUSE_BYTES} ahead stops taking commands until the next drain.
     */
    void deliver(Client owner, Client publisher, PubSub.Kind kind, PubSub.Name subscription, byte[] message,
                 PubSub.OutputLimit limit) {
        ClientHandler handler = owner.handler();
        if (handler == null || owner.killed()) {
            return;
        }
        mailbox.add(new Pending(kind, subscription, message));
        if (queuedBytes.addAndGet(message.length) > MAILBOX_PAUSE_BYTES && publisher != null
                && publisher.handler() != null) {
            // Registered before the drain is (re)scheduled below, so some drain always sees it.
            publisher.handler().suspend();
            pausedPublishers.add(publisher.handler());
        }
        if (drainScheduled.compareAndSet(false, true)) {
            handler.execute(() -> drain(owner, handler, limit));
        }
    }

    private void drain(Client owner, ClientHandler handler, PubSub.OutputLimit limit) {
        drainScheduled.set(false);
        if (owner.killed() || !owner.channel().isActive()) {
            Pending p;
            while ((p = mailbox.poll()) != null) {
                queuedBytes.addAndGet(-p.message.length);
            }
            resumePublishers();
            return;
        }
        Pending p;
        while ((p = mailbox.poll()) != null) {
            queuedBytes.addAndGet(-p.message.length);
            // A PUBLISH on another loop may have picked this client just before it unsubscribed; once the
            // unsubscribe confirmation is out, nothing of that subscription may follow (RESP2 clients would
            // take the message for the reply to their next command).
            if (of(p.kind).contains(p.subscription)) {
                owner.reply().raw(p.message);
            }
        }
        handler.flush();
        // Measured after the flush, so only what the socket would not take counts: a mailbox that grew while
        // this event loop was busy is not held against a subscriber that reads.
        if (overLimit(handler.pendingOutputBytes(), limit, System.currentTimeMillis())) {
            owner.kill();
        }
        resumePublishers();
    }

    private void resumePublishers() {
        ClientHandler paused;
        while ((paused = pausedPublishers.poll()) != null) {
            paused.resume();
        }
    }

    private record Pending(PubSub.Kind kind, PubSub.Name subscription, byte[] message) {
    }

    /**
     * Redis's client-output-buffer-limit rule for the pubsub class: over the hard limit at once, or over the
     * soft limit continuously for more than the given seconds.
     */
    boolean overLimit(long pending, PubSub.OutputLimit limit, long nowMillis) {
        return outputWatch.over(pending, limit, nowMillis);
    }
}
