package io.larder.node.server;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;

/**
 * The connections of one event loop whose replies wait for the log (the AOF) this turn. They are released
 * together once the loop has handled its ready sockets: Netty runs the tasks queued during a turn after its I/O,
 * so the first of them writes (with appendfsync always: and fsyncs) everything the loop's commands logged, and
 * the others find their writes done. Redis likewise writes its AOF buffer in beforeSleep, just before the
 * replies; handing the write to another thread cost a wakeup each way per batch.
 */
final class DurableReplies implements Runnable {
    private static final FastThreadLocal<DurableReplies> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected DurableReplies initialValue() {
            return new DurableReplies();
        }
    };

    private final ArrayList<ClientHandler> holding = new ArrayList<>();
    private boolean queued;

    private DurableReplies() {
    }

    /** The handler holds replies for the log: released at the end of this turn. Call on its event loop. */
    static void releaseAtEndOfTurn(ClientHandler handler) {
        DurableReplies turn = OF_LOOP.get();
        turn.holding.add(handler);
        if (!turn.queued) {
            turn.queued = true;
            handler.execute(turn);
        }
    }

    @Override
    public void run() {
        queued = false;
        for (int i = 0; i < holding.size(); i++) {
            holding.get(i).releaseHeld();
        }
        holding.clear();
    }
}
