package io.larder.node.config;

/** A configuration value or directive was refused; the message is the reason Redis would give. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
