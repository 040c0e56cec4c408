package io.larder.engine.util;

/**
 * Redis's glob-style matching (stringmatchlen): {@code * ? [abc] [^a] [a-z] \x}, optionally case-insensitive.
 * <p>
 * Follows Redis to the byte, quirks included: an empty string matches no pattern but the empty one (so
 * {@code **} does not match the key ""), bytes compare as C's signed {@code char} inside ranges, an unclosed
 * class ends the pattern, and after a failed {@code *} no earlier {@code *} retries longer matches, which keeps
 * patterns like {@code *a*a*a*b} linear instead of exponential.
 */
public final class Glob {
    private static final int MAX_NESTING = 1000;
    private static final int MATCH = 1;
    private static final int NO_MATCH = 0;
    /**
     * A '*' found no match for the rest of the pattern anywhere in the rest of the string: every enclosing '*'
     * gives up too, as a longer match for it would only start the rest later (Redis's skipLongerMatches).
     */
    private static final int NO_MATCH_ANYWHERE = -1;

    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean noCase) {
        return match(pattern, 0, string, 0, noCase, 0) == MATCH;
    }

    /** True for the pattern {@code *}, which callers can skip matching for. */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static int match(byte[] p, int pi, byte[] s, int si, boolean noCase, int nesting) {
        if (nesting > MAX_NESTING) {
            return NO_MATCH;
        }
        while (pi < p.length && si < s.length) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return MATCH;
                    }
                    for (; si < s.length; si++) {
                        int rest = match(p, pi + 1, s, si, noCase, nesting + 1);
                        if (rest != NO_MATCH) {
                            return rest;
                        }
                    }
                    return NO_MATCH_ANYWHERE;
                }
                case '?' -> si++;
                case '[' -> {
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi + 1 < p.length && p[pi] == '\\') {
                            pi++;
                            if (p[pi] == s[si]) {
                                matched = true;
                            }
                        } else if (pi >= p.length) {
                            pi--; // an unterminated class ends the pattern
                            break;
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            // C's char is signed: bytes >= 0x80 sort below ASCII in a range
                            int start = p[pi];
                            int end = p[pi + 2];
                            int c = s[si];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (noCase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (equal(p[pi], s[si], noCase)) {
                            matched = true;
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return NO_MATCH;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (!equal(p[pi], s[si], noCase)) {
                        return NO_MATCH;
                    }
                    si++;
                }
                default -> {
                    if (!equal(p[pi], s[si], noCase)) {
                        return NO_MATCH;
                    }
                    si++;
                }
            }
            pi++;
            if (si == s.length) {
                // Trailing stars match the empty rest, but only once something was consumed: Redis never
                // reaches this point for an empty string.
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == p.length && si == s.length ? MATCH : NO_MATCH;
    }

    private static boolean equal(byte a, byte b, boolean noCase) {
        return a == b || (noCase && lower(a) == lower(b));
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
