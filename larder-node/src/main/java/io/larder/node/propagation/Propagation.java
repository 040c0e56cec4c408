package io.larder.node.propagation;

import io.larder.engine.keyspace.Db;
import io.larder.engine.keyspace.Keyspace;
import io.larder.engine.keyspace.KeyspaceListener;
import io.larder.node.config.ServerConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The node-wide ordered log of writes in Redis's propagated form (what Redis feeds its AOF and replicas).
 * <p>
 * The dispatcher reports each command after its handler ran, while the command's stripes are still held, so
 * writes to one key reach the log in the order they happened. A command is logged when it changed something
 * (Redis's {@code server.dirty} rule, counted here from the keyspace's modification, flush and swap signals),
 * as received unless it asked to be propagated differently ({@link #propagate}) or {@link PropagatedForm}
 * rewrites it (relative times, float results, blocking pops). Keys found expired are logged as DEL (UNLINK
 * with lazyfree-lazy-expire). What one command or one EXEC logs is appended as one unit, wrapped in
 * MULTI/EXEC when it holds more than one command, with SELECT whenever the database changes.
 * <p>
 * Several logs may follow the writes at once (the AOF and the replication backlog); each gets every unit, in
 * the same order. While none is attached, {@link #active()} is one volatile read and nothing else happens.
 */
public final class Propagation implements KeyspaceListener {
    private static final byte[] SELECT = bytes("SELECT");
    private static final byte[] DEL = bytes("DEL");
    private static final byte[] UNLINK = bytes("UNLINK");
    private static final byte[][] MULTI = {bytes("MULTI")};
    private static final byte[][] EXEC = {bytes("EXEC")};

    private final Keyspace keyspace;
    private final ServerConfig config;
    /** Null, the one attached log, or a {@link FanOut} of them: one volatile read on the hot path. */
    private volatile CommandLog log;
    /** Guarded by this: the attached logs in attachment order. */
    private final List<CommandLog> logs = new ArrayList<>(2);
    private final ThreadLocal<Unit> units = ThreadLocal.withInitial(Unit::new);
    /** Guarded by this: the encoding buffer and the database the log last selected. */
    private final Resp resp = new Resp();
    private int selectedDb = -1;

    /** What the running command (or EXEC) of this thread has to log so far. */
    private static final class Unit {
        long dirty;
        long dirtyMark;
        final List<byte[][]> commands = new ArrayList<>();
        final List<Integer> dbs = new ArrayList<>();
        List<byte[][]> explicit;
        boolean open;
    }

    public Propagation(Keyspace keyspace, ServerConfig config) {
        this.keyspace = keyspace;
        this.config = config;
    }

    /** One volatile read: whether anything follows the writes. */
    public boolean active() {
        return log != null;
    }

    /**
     * Attaches a log (again: no change). The caller holds every stripe so that no command is half-way through a
     * write when logging starts.
     */
    public synchronized void attach(CommandLog added) {
        if (!logs.contains(added)) {
            logs.add(added);
            attached();
        }
    }

    /** Detaches a log; as for {@link #attach}, the caller holds every stripe. */
    public synchronized void detach(CommandLog removed) {
        if (logs.remove(removed)) {
            attached();
        }
    }

    private void attached() {
        CommandLog next = switch (logs.size()) {
            case 0 -> null;
            case 1 -> logs.get(0);
            default -> new FanOut(logs.toArray(new CommandLog[0]));
        };
        if ((log == null) != (next == null)) {
            keyspace.modificationInterest(next == null ? -1 : 1);
        }
        log = next;
        selectedDb = -1;
    }

    /**
     * Several logs fed the same units. At most one of them (the AOF) has positions that replies wait for; the
     * others answer 0 and false, so the first non-zero position and the first log that takes a waiter decide.
     */
    private record FanOut(CommandLog[] members) implements CommandLog {
        @Override
        public long append(byte[] resp, int length) {
            long position = 0;
            for (CommandLog m : members) {
                long p = m.append(resp, length);
                if (position == 0) {
                    position = p;
                }
            }
            return position;
        }

        @Override
        public boolean whenDurable(long position, Runnable action) {
            for (CommandLog m : members) {
                if (m.whenDurable(position, action)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean isDurable(long position) {
            for (CommandLog m : members) {
                if (!m.isDurable(position)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean makeDurable(long position) {
            for (CommandLog m : members) {
                if (!m.makeDurable(position)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The database the log's stream has selected, -1 when the next unit starts with SELECT. */
    public synchronized int selectedDb() {
        return selectedDb;
    }

    /** The next unit starts with SELECT (a new AOF file begins). Call with the log's consent, under this lock. */
    public synchronized void forgetSelectedDb() {
        selectedDb = -1;
    }

    /**
     * A command asks to be logged as these commands instead of as received (called once per command to log;
     * a command that calls it with nothing changed still logs what it gave). No-op while inactive.
     */
    public void propagate(byte[]... args) {
        if (log == null) {
            return;
        }
        Unit u = units.get();
        if (u.explicit == null) {
            u.explicit = new ArrayList<>(2);
        }
        u.explicit.add(args);
    }

    /** The dispatcher: a command is about to run; what this thread changed before it is not its doing. */
    public void beforeCommand() {
        Unit u = units.get();
        u.dirtyMark = u.dirty;
        u.explicit = null;
    }

    /** The dispatcher: a command ran on database {@code db}; records what it logs, under its stripes. */
    public void commandDone(int db, String name, byte[][] args) {
        Unit u = units.get();
        u.open = true;
        if (u.explicit != null) {
            for (byte[][] c : u.explicit) {
                u.commands.add(c);
                u.dbs.add(db);
            }
            u.explicit = null;
        } else if (u.dirty != u.dirtyMark) {
            byte[][][] form = PropagatedForm.of(keyspace.db(db), name, args, config);
            if (form == null) {
                u.commands.add(args);
                u.dbs.add(db);
            } else {
                for (byte[][] c : form) {
                    u.commands.add(c);
                    u.dbs.add(db);
                }
            }
        }
        u.dirtyMark = u.dirty;
    }

    /**
     * The dispatcher, still under the stripes: the command (or the whole EXEC) is over; appends its unit.
     * Returns the log position the client's reply must wait for (0: none).
     */
    public long endUnit() {
        Unit u = units.get();
        u.open = false;
        u.dirtyMark = u.dirty;
        if (u.commands.isEmpty()) {
            return 0;
        }
        try {
            return append(u.commands, u.dbs);
        } finally {
            u.commands.clear();
            u.dbs.clear();
        }
    }

    private synchronized long append(List<byte[][]> commands, List<Integer> dbs) {
        CommandLog target = log;
        if (target == null) {
            return 0;
        }
        boolean wrap = commands.size() > 1;
        resp.clear();
        // SELECT goes before MULTI when the transaction's first command needs it, as Redis writes it.
        int db = dbs.get(0);
        if (db != selectedDb) {
            select(db);
        }
        if (wrap) {
            resp.command(MULTI);
        }
        for (int i = 0; i < commands.size(); i++) {
            db = dbs.get(i);
            if (db != selectedDb) {
                select(db);
            }
            resp.command(commands.get(i));
        }
        if (wrap) {
            resp.command(EXEC);
        }
        long position = target.append(resp.array(), resp.length());
        resp.shrink();
        return position;
    }

    private void select(int db) {
        resp.command(new byte[][]{SELECT, bytes(Integer.toString(db))});
        selectedDb = db;
    }

    /**
     * Runs {@code action} once the log has everything up to {@code position} on disk: now when it already has
     * (or nothing waits: position 0, no log), else later on the log's thread.
     */
    public void whenDurable(long position, Runnable action) {
        CommandLog target = log;
        if (position == 0 || target == null || !target.whenDurable(position, action)) {
            action.run();
        }
    }

    /** Whether replies up to {@code position} must still wait; if so {@code action} runs once they may go. */
    public boolean deferUntilDurable(long position, Runnable action) {
        CommandLog target = log;
        return position > 0 && target != null && target.whenDurable(position, action);
    }

    /** Whether replies up to {@code position} may go out now. */
    public boolean isDurable(long position) {
        CommandLog target = log;
        return position == 0 || target == null || target.isDurable(position);
    }

    /**
     * An event loop at the end of its turn: makes the log durable up to {@code position} on this thread when it
     * can (see {@link CommandLog#makeDurable}); whether replies up to there may go out now.
     */
    public boolean makeDurable(long position) {
        CommandLog target = log;
        return position == 0 || target == null || target.makeDurable(position);
    }

    /** A command's lower-case name, as command specs name it. */
    public static String commandName(byte[][] args) {
        return new String(args[0], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    }

    /** The running command changed something no key signal reports (a keyspace event without one). */
    public void changed() {
        if (log != null) {
            units.get().dirty++;
        }
    }

    @Override
    public void modified(Db db, byte[] key) {
        if (log != null) {
            units.get().dirty++;
        }
    }

    @Override
    public void flushing(Db db) {
        if (log != null) {
            units.get().dirty++;
        }
    }

    @Override
    public void swapping(Db db, Db replacedWith) {
        if (log != null) {
            units.get().dirty++;
        }
    }

    /** A key found expired is logged as its deletion: inside the running command's unit, or on its own (cron). */
    @Override
    public void expired(Db db, byte[] key) {
        if (log == null) {
            return;
        }
        byte[][] deletion = {config.find("lazyfree-lazy-expire").asBool() ? UNLINK : DEL, key};
        Unit u = units.get();
        u.dirty--; // the modification signal that follows an expiry is this deletion, not the command's write
        if (u.open) {
            u.commands.add(deletion);
            u.dbs.add(db.index());
        } else {
            append(List.<byte[][]>of(deletion), List.of(db.index()));
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
