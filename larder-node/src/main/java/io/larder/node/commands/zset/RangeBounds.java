package io.larder.node.commands.zset;

import io.larder.engine.zset.Scores;
import io.larder.engine.zset.ZSetValue;

import java.util.Arrays;

/**
 * A score or lex interval as Redis parses it (zslParseRange, zslParseLexRange), resolved against a set into the
 * rank span it covers: {@code [lo, hi)} in ascending order.
 */
sealed interface RangeBounds {
    /** The first rank inside the range. */
    int lo(ZSetValue z);

    /** One past the last rank inside the range. */
    int hi(ZSetValue z);

    /** {@code min}/{@code max} with an optional '(' for an exclusive bound; null when either is not a float. */
    static ScoreRange score(byte[] min, byte[] max) {
        try {
            boolean minEx = min.length > 0 && min[0] == '(';
            boolean maxEx = max.length > 0 && max[0] == '(';
            return new ScoreRange(Scores.parseLenient(min, minEx ? 1 : 0), minEx,
                    Scores.parseLenient(max, maxEx ? 1 : 0), maxEx);
        } catch (Scores.NotAScore e) {
            return null;
        }
    }

    /** "-", "+", "[member" or "(member" at each end; null when either is not such an item. */
    static LexRange lex(byte[] min, byte[] max) {
        LexItem lo = LexItem.parse(min);
        LexItem hi = LexItem.parse(max);
        return lo == null || hi == null ? null : new LexRange(lo, hi);
    }

    record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) implements RangeBounds {
        @Override
        public int lo(ZSetValue z) {
            return z.countByScore(min, minExclusive);
        }

        @Override
        public int hi(ZSetValue z) {
            return z.countByScore(max, !maxExclusive);
        }
    }

    /** One end of a lex range: -inf ("-"), +inf ("+") or a member, inclusive or not. */
    record LexItem(int infinity, byte[] member, boolean exclusive) {
        static LexItem parse(byte[] s) {
            if (s.length == 0) {
                return null;
            }
            return switch (s[0]) {
                case '-' -> s.length == 1 ? new LexItem(-1, null, false) : null;
                case '+' -> s.length == 1 ? new LexItem(1, null, false) : null;
                case '(' -> new LexItem(0, Arrays.copyOfRange(s, 1, s.length), true);
                case '[' -> new LexItem(0, Arrays.copyOfRange(s, 1, s.length), false);
                default -> null;
            };
        }
    }

    record LexRange(LexItem min, LexItem max) implements RangeBounds {
        @Override
        public int lo(ZSetValue z) {
            if (min.infinity() != 0) {
                return min.infinity() < 0 ? 0 : z.size();
            }
            return z.countByMember(min.member(), min.exclusive());
        }

        @Override
        public int hi(ZSetValue z) {
            if (max.infinity() != 0) {
                return max.infinity() < 0 ? 0 : z.size();
            }
            return z.countByMember(max.member(), !max.exclusive());
        }
    }
}
