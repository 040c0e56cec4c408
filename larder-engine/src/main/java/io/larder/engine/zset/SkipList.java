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

    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        final Node[] forward;
        final int[] span;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            this.forward = new Node[level];
            this.span = new int[level];
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
        return header.forward[0];
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
            while (p.forward[i] != null && compare(p.forward[i].score, p.forward[i].member, score, member) < 0) {
                rank[i] += p.span[i];
                p = p.forward[i];
            }
            update[i] = p;
        }
        int newLevel = x.forward.length;
        if (newLevel > level) {
            for (int i = level; i < newLevel; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span[i] = length;
            }
            level = newLevel;
        }
        for (int i = 0; i < newLevel; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = newLevel; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        }
        length++;
        Arrays.fill(update, null);
        return x;
    }

    /** Unlinks {@code node} (found again by its score and member). */
    void delete(Node node) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null
                    && compare(x.forward[i].score, x.forward[i].member, node.score, node.member) < 0) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        unlink(node);
        Arrays.fill(update, null);
    }

    private void unlink(Node x) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i]--;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
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
        Node next = node.forward[0];
        if ((prev == null || compare(prev.score, prev.member, newScore, node.member) < 0)
                && (next == null || compare(next.score, next.member, newScore, node.member) > 0)) {
            node.score = newScore;
            return;
        }
        delete(node);
        node.score = newScore;
        Arrays.fill(node.forward, null);
        link(node);
    }

    /** The 1-based rank of an element that is present. */
    int rankOf(double score, byte[] member) {
        Node x = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && compare(x.forward[i].score, x.forward[i].member, score, member) <= 0) {
                r += x.span[i];
                x = x.forward[i];
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
            while (x.forward[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.forward[i];
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
            while (x.forward[i] != null
                    && (orEqual ? x.forward[i].score <= score : x.forward[i].score < score)) {
                r += x.span[i];
                x = x.forward[i];
            }
        }
        return r;
    }

    /** How many elements have a member below {@code member} ({@code orEqual}: at most), comparing members only. */
    int countByMember(byte[] member, boolean orEqual) {
        Node x = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && belowMember(x.forward[i].member, member, orEqual)) {
                r += x.span[i];
                x = x.forward[i];
            }
        }
        return r;
    }

    static boolean belowMember(byte[] candidate, byte[] bound, boolean orEqual) {
        int c = Arrays.compareUnsigned(candidate, bound);
        return orEqual ? c <= 0 : c < 0;
    }
}
