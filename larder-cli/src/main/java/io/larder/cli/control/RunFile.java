package io.larder.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.larder.control.ControlPlaneConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the file a running control plane leaves in its data directory (pid and API address). */
final class RunFile {
    private RunFile() {
    }

    static JsonNode read(Path dataDir) {
        Path f = ControlPlaneConfig.runFile(dataDir);
        try {
            return Files.exists(f) ? ApiClient.JSON.readTree(Files.readString(f)) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
