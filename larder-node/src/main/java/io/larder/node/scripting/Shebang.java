package io.larder.node.scripting;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A script's first line {@code #!lua [name=lib] [flags=a,b]} (Redis 7). The line is blanked, not removed, so
 * error positions keep their line numbers.
 */
record Shebang(byte[] code, List<String> flags, String name) {
    /** The flags of a script's shebang and of redis.register_function. */
    static final Set<String> SCRIPT_FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static Shebang parse(byte[] body, boolean library) throws Invalid {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            if (library) {
                throw new Invalid("ERR Missing library metadata");
            }
            return new Shebang(body, List.of(), null);
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        String[] parts = new String(body, 2, end - 2, StandardCharsets.UTF_8).trim().split(" +");
        if (!parts[0].equals("lua")) {
            throw new Invalid(library ? "ERR Engine '" + parts[0] + "' not found"
                    : "ERR Unexpected engine in script shebang: #!" + parts[0]);
        }
        List<String> flags = new java.util.ArrayList<>();
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("flags=") && !library) {
                for (String f : p.length() == 6 ? new String[0] : p.substring(6).split(",")) {
                    if (!SCRIPT_FLAGS.contains(f)) {
                        throw new Invalid("ERR Unexpected flag in script shebang: " + f);
                    }
                    flags.add(f);
                }
            } else if (p.startsWith("name=") && library) {
                name = p.substring(5);
            } else if (library) {
                throw new Invalid("ERR Invalid metadata value given: " + p);
            } else {
                throw new Invalid("ERR Unknown lua shebang option: " + p);
            }
        }
        if (library && name == null) {
            throw new Invalid("ERR Library name was not given");
        }
        byte[] code = body.clone();
        Arrays.fill(code, 0, end, (byte) ' ');
        return new Shebang(code, flags, name);
    }
}
