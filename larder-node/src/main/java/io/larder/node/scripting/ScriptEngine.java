package io.larder.node.scripting;

import io.larder.resp.ReplyWriter;

/**
 * What the node needs from a script interpreter: compile named bodies, run them with KEYS/ARGV while their
 * {@code redis.call}s go to a {@link ScriptHost}, and write the result as a RESP reply. One thread at a time.
 */
public interface ScriptEngine extends AutoCloseable {
    /** Compiles a script body under a name; returns null, or Redis's compile error text. */
    String compile(String name, byte[] body, String chunkName);

    /** Forgets a compiled body. */
    void forget(String name);

    /**
     * Runs a compiled body and writes its reply (or its error, completed with {@code displayName} and the
     * script position as Redis does). Returns the error message written, or null on success.
     */
    String run(String name, String displayName, byte[][] keys, byte[][] argv, ScriptHost host, ReplyWriter out);

    /**
     * Runs a library body (FUNCTION LOAD) with {@code redis.register_function} available; each registration
     * is compiled under "library.function" and reported to the sink. Returns null or the error text.
     */
    String loadLibrary(String library, byte[] body, FunctionSink sink);

    @Override
    void close();

    /** Receives the functions a library registers. */
    interface FunctionSink {
        /** Returns null, or the error to raise in the library code (bad name, duplicate ...). */
        String register(String name, java.util.List<String> flags, String description);
    }
}
