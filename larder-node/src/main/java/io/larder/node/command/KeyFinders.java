package io.larder.node.command;

import io.larder.engine.util.Numbers;

/** Key finders shared by the families whose commands announce their keys with a numkeys argument. */
public final class KeyFinders {
    private static final int[] NONE = new int[0];

    private KeyFinders() {
    }

    /**
     * {@code ... numkeys key [key ...] ...}: the keys numkeys announces, after the fixed key positions
     * {@code before} (a STORE destination); none at all when numkeys is malformed or asks for too many.
     */
    public static KeyFinder numKeys(int numKeysIndex, int... before) {
        return args -> {
            if (numKeysIndex >= args.length) {
                return NONE;
            }
            long numKeys;
            try {
                numKeys = Numbers.parseLong(args[numKeysIndex]);
            } catch (Numbers.NotANumber e) {
                return NONE;
            }
            if (numKeys <= 0 || numKeys > args.length - numKeysIndex - 1) {
                return NONE;
            }
            int[] positions = new int[before.length + (int) numKeys];
            System.arraycopy(before, 0, positions, 0, before.length);
            for (int i = 0; i < numKeys; i++) {
                positions[before.length + i] = numKeysIndex + 1 + i;
            }
            return positions;
        };
    }
}
