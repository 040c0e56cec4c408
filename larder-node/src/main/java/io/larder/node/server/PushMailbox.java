package io.larder.node.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pushes (tracking invalidations) handed to a connection from other threads. They are written by the connection's
 * own event loop, after whatever replies it has pending; pushes arriving while a drain is scheduled ride along
 * with it, so a burst costs one flush.
 */
final class PushMailbox {
    private final Client owner;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    PushMailbox(Client owner) {
        this.owner = owner;
    }

    void offer(byte[] push) {
        ClientHandler handler = owner.handler();
        if (handler == null || owner.killed()) {
            return;
        }
        queue.add(push);
        if (drainScheduled.compareAndSet(false, true)) {
            handler.execute(() -> drain(handler));
        }
    }

    private void drain(ClientHandler handler) {
        drainScheduled.set(false);
        if (owner.killed() || !owner.channel().isActive()) {
            queue.clear();
            return;
        }
        byte[] push;
        while ((push = queue.poll()) != null) {
            owner.push(push);
        }
        handler.flush();
    }
}
