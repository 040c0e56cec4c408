package io.larder.node.acl;

import java.nio.charset.StandardCharsets;

/** One key pattern of a selector with the access it grants: {@code ~p} both, {@code %R~p} read, {@code %W~p} write. */
record KeyPattern(String pattern, byte[] bytes, boolean read, boolean write) {
    KeyPattern(String pattern, boolean read, boolean write) {
        this(pattern, pattern.getBytes(StandardCharsets.UTF_8), read, write);
    }

    /** Redis's form in ACL LIST and GETUSER. */
    String describe() {
        return (read && write ? "~" : read ? "%R~" : "%W~") + pattern;
    }
}
