package io.larder.node.scripting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** FUNCTION libraries: each library's code and the functions it registered, by name across all libraries. */
public final class Functions {
    private static final String NAME_RULE =
            "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    /** One registered function. */
    public record Function(String name, String library, List<String> flags, String description) {
    }

    /** One library: its name, code and functions in registration order. */
    public record Library(String name, byte[] code, List<Function> functions) {
    }

    private final Scripting scripting;
    private final Map<String, Library> libraries = new TreeMap<>();
    private final Map<String, Function> functions = new ConcurrentHashMap<>();

    Functions(Scripting scripting) {
        this.scripting = scripting;
    }

    public synchronized List<Library> libraries() {
        return new ArrayList<>(libraries.values());
    }

    public int functionCount() {
        return functions.size();
    }

    public synchronized long codeBytes() {
        return libraries.values().stream().mapToLong(l -> l.code().length).sum();
    }

    public Function function(String name) {
        return functions.get(name);
    }

    boolean readOnly(String engineName) {
        Function f = functions.get(engineName.substring(engineName.indexOf('.') + 1));
        return f != null && f.flags().contains("no-writes");
    }

    /** FUNCTION LOAD [REPLACE]: returns the library name, or throws with Redis's error. */
    public synchronized String load(byte[] code, boolean replace) throws Shebang.Invalid {
        Shebang shebang = Shebang.parse(code, true);
        String name = shebang.name();
        if (!name.matches("[A-Za-z0-9_]+")) {
            throw new Shebang.Invalid(NAME_RULE);
        }
        Library old = libraries.get(name);
        if (old != null && !replace) {
            throw new Shebang.Invalid("ERR Library '" + name + "' already exists");
        }
        List<Function> registered = new ArrayList<>();
        String error = scripting.withEngine(() -> {
            LuaEngine engine = scripting.engine();
            return engine.loadLibrary(name, shebang.code(), (fname, flags, description) -> {
                for (String flag : flags) {
                    if (!Shebang.SCRIPT_FLAGS.contains(flag)) { // functions take the flags scripts do
                        return "ERR unknown flag given";
                    }
                }
                if (!fname.matches("[A-Za-z0-9_]+")) {
                    // Redis 7 reports a bad function name with its library-name message.
                    return NAME_RULE;
                }
                for (Function f : registered) {
                    if (f.name().equals(fname)) {
                        return "ERR Function already exists in the library";
                    }
                }
                registered.add(new Function(fname, name, List.copyOf(flags), description));
                return null;
            });
        });
        if (error != null) {
            throw new Shebang.Invalid(error);
        }
        if (registered.isEmpty()) {
            throw new Shebang.Invalid("ERR No functions registered");
        }
        for (Function f : registered) {
            Function existing = functions.get(f.name());
            if (existing != null && !existing.library().equals(name)) {
                if (old == null) {
                    scripting.withEngine(() -> {
                        registered.forEach(r -> scripting.engine().forget(name + "." + r.name()));
                        return null;
                    });
                }
                throw new Shebang.Invalid("ERR Function " + f.name() + " already exists");
            }
        }
        if (old != null) {
            for (Function f : old.functions()) {
                if (registered.stream().noneMatch(r -> r.name().equals(f.name()))) {
                    functions.remove(f.name());
                }
            }
        }
        libraries.put(name, new Library(name, code, registered));
        for (Function f : registered) {
            functions.put(f.name(), f);
        }
        return name;
    }

    /** FUNCTION DUMP. */
    public synchronized byte[] dump() {
        List<byte[]> codes = new ArrayList<>();
        for (Library lib : libraries.values()) {
            codes.add(lib.code());
        }
        return FunctionDump.dump(codes);
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]; throws with Redis's error. */
    public synchronized void restore(byte[] payload, String policy) throws Exception {
        List<byte[]> codes;
        try {
            codes = FunctionDump.restore(payload);
        } catch (FunctionDump.Invalid e) {
            throw new Shebang.Invalid(e.getMessage());
        }
        if (policy.equals("FLUSH")) {
            flush();
        } else if (policy.equals("APPEND")) {
            for (byte[] code : codes) {
                String name = Shebang.parse(code, true).name();
                if (libraries.containsKey(name)) {
                    throw new Shebang.Invalid("ERR Library " + name + " already exists");
                }
            }
        }
        List<String> added = new ArrayList<>();
        try {
            for (byte[] code : codes) {
                added.add(load(code, policy.equals("REPLACE")));
            }
        } catch (Shebang.Invalid e) {
            if (!policy.equals("REPLACE")) {
                added.forEach(this::delete); // APPEND and FLUSH restore all libraries or none
            }
            throw e;
        }
    }

    /** FUNCTION DELETE: false when there is no such library. */
    public synchronized boolean delete(String name) {
        Library lib = libraries.remove(name);
        if (lib == null) {
            return false;
        }
        scripting.withEngine(() -> {
            for (Function f : lib.functions()) {
                functions.remove(f.name());
                scripting.engine().forget(name + "." + f.name());
            }
            return null;
        });
        return true;
    }

    /** FUNCTION FLUSH. */
    public synchronized void flush() {
        for (String name : new ArrayList<>(libraries.keySet())) {
            delete(name);
        }
    }
}
