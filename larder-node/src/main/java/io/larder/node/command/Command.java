package io.larder.node.command;

import io.larder.node.server.Client;

/** What a command does; the dispatcher has already checked arity and authentication and holds the keys' stripes. */
@FunctionalInterface
public interface Command {
    void execute(Client client, byte[][] args);
}
