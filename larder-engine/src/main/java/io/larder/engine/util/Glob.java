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

    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean noCase) {
        return new Matcher(pattern, string, noCase).match(0, 0, 0);
    }

    /** True for the pattern {@code *}, which callers can skip matching for. */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static final class Matcher {
        private final byte[] p;
        private final byte[] s;
        private final boolean noCase;
        /** Set once a '*' found no match for the rest of the pattern anywhere in the rest of the string. */
        private boolean skipLongerMatches;

        Matcher(byte[] pattern, byte[] string, boolean noCase) {
            this.p = pattern;
            this.s = string;
            this.noCase = noCase;
        }

        boolean match(int pi, int si, int nesting) {
            if (nesting > MAX_NESTING) {
                return false;
            }
            while (pi < p.length && si < s.length) {
                switch (p[pi]) {
                    case '*' -> {
                        while (pi + 1 < p.length && p[pi + 1] == '*') {
                            pi++;
                        }
                        if (pi + 1 == p.length) {
                            return true;
                        }
                        for (; si < s.length; si++) {
                            if (match(pi + 1, si, nesting + 1)) {
                                return true;
                            }
                            if (skipLongerMatches) {
                                return false;
                            }
                        }
                        skipLongerMatches = true;
                        return false;
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
                            } else if (equal(p[pi], s[si])) {
                                matched = true;
                            }
                            pi++;
                        }
                        if (not) {
                            matched = !matched;
                        }
                        if (!matched) {
                            return false;
                        }
                        si++;
                    }
                    case '\\' -> {
                        if (pi + 1 < p.length) {
                            pi++;
                        }
                        if (!equal(p[pi], s[si])) {
                            return false;
                        }
                        si++;
                    }
                    default -> {
                        if (!equal(p[pi], s[si])) {
                            return false;
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
            return pi == p.length && si == s.length;
        }

        private boolean equal(byte a, byte b) {
            return a == b || (noCase && lower(a) == lower(b));
        }

        private static int lower(int c) {
            return c >= 'A' && c <= 'Z' ? c + 32 : c;
        }
    }
}
