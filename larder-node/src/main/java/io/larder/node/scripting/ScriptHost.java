package io.larder.node.scripting;

/** The node side of a running script: runs its commands, logs, and says when it must stop. */
public interface ScriptHost {
    /** Runs one command from the script and returns its reply in RESP (protocol 2 or 3), errors included. */
    byte[] call(byte[][] args, int protocol);

    /** redis.log. */
    void log(int level, String message);

    /** Asked every 100,000 Lua instructions: true once SCRIPT KILL / FUNCTION KILL has asked it to stop. */
    boolean killRequested();
}
