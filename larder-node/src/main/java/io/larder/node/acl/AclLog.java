package io.larder.node.acl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * ACL LOG: the recent denials, newest first. A denial like one logged less than a minute ago (same reason,
 * context, object and user) updates that entry instead of adding one, as Redis does.
 */
final class AclLog {
    private static final long GROUPING_MILLIS = 60_000;

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final LongSupplier clock;
    private long nextId;

    AclLog(LongSupplier clock) {
        this.clock = clock;
    }

    /** One logged denial; count and the update fields change while it absorbs similar denials. */
    static final class Entry {
        long count;
        final String reason;
        final String context;
        final String object;
        final String username;
        final long entryId;
        final long createdMillis;
        long updatedMillis;
        String clientInfo;

        Entry(String reason, String context, String object, String username, long entryId, long now, String clientInfo) {
            this.count = 1;
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.entryId = entryId;
            this.createdMillis = now;
            this.updatedMillis = now;
            this.clientInfo = clientInfo;
        }
    }

    synchronized void add(String reason, String context, String object, String username, String clientInfo,
                          int maxLen) {
        long now = clock.getAsLong();
        for (Entry e : entries) {
            if (now - e.updatedMillis >= GROUPING_MILLIS) {
                continue;
            }
            if (e.reason.equals(reason) && e.context.equals(context) && e.object.equals(object)
                    && e.username.equals(username)) {
                e.count++;
                e.updatedMillis = now;
                e.clientInfo = clientInfo;
                // The updated entry becomes the newest.
                entries.remove(e);
                entries.addFirst(e);
                return;
            }
        }
        entries.addFirst(new Entry(reason, context, object, username, nextId++, now, clientInfo));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    synchronized List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    synchronized void reset() {
        entries.clear();
    }

    synchronized void trim(int maxLen) {
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    long now() {
        return clock.getAsLong();
    }
}
