package io.larder.engine.zset;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: nodes ordered by score then member bytes (unsigned, shorter first on a common prefix), each
 * forward link carrying its span (how many rank steps it jumps), so rank lookups and rank positioning are
 * O(log n) like the score searches. The member→node map lives in {@link ZSetValue}.
 */
final class SkipList {
    static final int MAX_LEVEL = 32;
    private static final int LEVEL_UP_PERCENT = 25;

    /**
     * Levels whose link and span are fields of the node itself; only taller nodes (1 in 64) have arrays. Three
     * keep a node at 64 bytes with compact object headers, less than the node and two arrays it replaces.
     */
    private static final int INLINE_LEVELS = 3;

    /**
     * An element and its links. The links of the first {@link #INLINE_LEVELS} levels live in the node's own
     * fields, so a hop reads one object (the node, whose score is on the same cache line) instead of the node, a
     * forward array and a span array; the few taller nodes keep their upper levels in two small arrays.
     */
    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        final int level;
        private Node next0;
        private Node next1;
        private Node next2;
        private int span0;
        private int span1;
        private int span2;
        private final Node[] upperNext;
        private final int[] upperSpan;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            this.level = level;
            this.upperNext = level > INLINE_LEVELS ? new Node[level - INLINE_LEVELS] : null;
            this.upperSpan = level > INLINE_LEVELS ? new int[level - INLINE_LEVELS] : null;
        }

        /** The next element in order (level 0), or null. */
        Node next() {
            return next0;
        }

        Node next(int i) {
            return switch (i) {
                case 0 -> next0;
                case 1 -> next1;
                case 2 -> next2;
                default -> upperNext[i - INLINE_LEVELS];
            };
        }

        int span(int i) {
            return switch (i) {
                case 0 -> span0;
                case 1 -> span1;
                case 2 -> span2;
                default -> upperSpan[i - INLINE_LEVELS];
            };
        }

        void next(int i, Node n) {
            switch (i) {
                case 0 -> next0 = n;
                case 1 -> next1 = n;
                case 2 -> next2 = n;
                default -> upperNext[i - INLINE_LEVELS] = n;
            }
        }

        void span(int i, int s) {
            switch (i) {
                case 0 -> span0 = s;
                case 1 -> span1 = s;
                case 2 -> span2 = s;
                default -> upperSpan[i - INLINE_LEVELS] = s;
            }
        }

        /** Forgets the links, before the node is linked again elsewhere. */
        void clearLinks() {
            for (int i = 0; i < level; i++) {
                next(i, null);
            }
        }
    }

    private final Node header = new Node(MAX_LEVEL, 0, null);
    private int length;
    private int level = 1;
    /** Scratch for insert/delete: the rightmost node before the target on each level, and its rank. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];

    int length() {
        return length;
    }

    Node first() {
        return header.next0;
    }

    static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 != s2) {
            return s1 < s2 ? -1 : 1;
        }
        return Arrays.compareUnsigned(m1, m2);
    }

    private static int randomLevel() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int level = 1;
        while (level < MAX_LEVEL && random.nextInt(100) < LEVEL_UP_PERCENT) {
            level++;
        }
        return level;
    }

    /** Inserts a member known to be absent. */
    Node insert(double score, byte[] member) {
        return link(new Node(randomLevel(), score, member));
    }

    /** Links an unlinked node at the place its score and member call for, keeping its level. */
    private Node link(Node x) {
        double score = x.score;
        byte[] member = x.member;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            for (Node q = p.next(i); q != null && compare(q.score, q.member, score, member) < 0; q = p.next(i)) {
                rank[i] += p.span(i);
                p = q;
            }
            update[i] = p;
        }
        int newLevel = x.level;
        if (newLevel > level) {
            for (int i = level; i < newLevel; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span(i, length);
            }
            level = newLevel;
        }
        for (int i = 0; i < newLevel; i++) {
            Node u = update[i];
            x.next(i, u.next(i));
            u.next(i, x);
            x.span(i, u.span(i) - (rank[0] - rank[i]));
            u.span(i, (rank[0] - rank[i]) + 1);
        }
        for (int i = newLevel; i < level; i++) {
            update[i].span(i, update[i].span(i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.next0 != null) {
            x.next0.backward = x;
        }
        length++;
        Arrays.fill(update, null);
        return x;
    }

    /** Unlinks {@code node} (found again by its score and member). */
    void delete(Node node) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            for (Node q = x.next(i); q != null && compare(q.score, q.member, node.score, node.member) < 0;
                 q = x.next(i)) {
                x = q;
            }
            update[i] = x;
        }
        unlink(node);
        Arrays.fill(update, null);
    }

    private void unlink(Node x) {
        for (int i = 0; i < level; i++) {
            Node u = update[i];
            if (u.next(i) == x) {
                u.span(i, u.span(i) + x.span(i) - 1);
                u.next(i, x.next(i));
            } else {
                u.span(i, u.span(i) - 1);
            }
        }
        if (x.next0 != null) {
            x.next0.backward = x.backward;
        }
        while (level > 1 && header.next(level - 1) == null) {
            level--;
        }
        length--;
    }

    /**
     * Moves {@code node} to {@code newScore}: in place when it keeps its position between its neighbours (the
     * common leaderboard increment), otherwise unlinked and linked again at its new place, the same node object.
     */
    void updateScore(Node node, double newScore) {
        Node prev = node.backward;
        Node next = node.next0;
        if ((prev == null || compare(prev.score, prev.member, newScore, node.member) < 0)
                && (next == null || compare(next.score, next.member, newScore, node.member) > 0)) {
            node.score = newScore;
            return;
        }
        delete(node);
        node.score = newScore;
        node.clearLinks();
        link(node);
    }

    /** The 1-based rank of an element that is present. */
    int rankOf(double score, byte[] member) {
        Node x = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            for (Node q = x.next(i); q != null && compare(q.score, q.member, score, member) <= 0; q = x.next(i)) {
                r += x.span(i);
                x = q;
            }
            if (x.member != null && x.score == score && Arrays.equals(x.member, member)) {
                return r;
            }
        }
        return 0;
    }

    /** The node at 1-based {@code rank}, or null. */
    Node byRank(int target) {
        Node x = header;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            for (Node q = x.next(i); q != null && traversed + x.span(i) <= target; q = x.next(i)) {
                traversed += x.span(i);
                x = q;
            }
            if (traversed == target) {
                return x == header ? null : x;
            }
        }
        return null;
    }

    /** How many elements score below {@code score} ({@code orEqual}: at most {@code score}). */
    int countByScore(double score, boolean orEqual) {
        Node x = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            for (Node q = x.next(i); q != null && (orEqual ? q.score <= score : q.score < score); q = x.next(i)) {
                r += x.span(i);
                x = q;
            }
        }
        return r;
    }

    /** How many elements have a member below {@code member} ({@code orEqual}: at most), comparing members only. */
    int countByMember(byte[] member, boolean orEqual) {
        Node x = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            for (Node q = x.next(i); q != null && belowMember(q.member, member, orEqual); q = x.next(i)) {
                r += x.span(i);
                x = q;
            }
        }
        return r;
    }

    static boolean belowMember(byte[] candidate, byte[] bound, boolean orEqual) {
        int c = Arrays.compareUnsigned(candidate, bound);
        return orEqual ? c <= 0 : c < 0;
    }
}
