package io.larder.node.config;

import java.util.List;
import java.util.Locale;

/**
 * client-output-buffer-limit: "class hard soft seconds" groups for normal, replica and pubsub clients. A new
 * value changes only the classes it names, so the check merges it into the current limits.
 */
final class OutputBufferLimits implements ConfigParam.ConfigHook {
    private static final String[] CLASSES = {"normal", "slave", "pubsub"};
    private final long[][] limits = {{0, 0, 0}, {268435456L, 67108864L, 60}, {33554432L, 8388608L, 60}};

    @Override
    public synchronized String check(String value) throws ConfigException {
        List<String> words = SpecialValues.words(value);
        if (words.size() % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        long[][] merged = {limits[0].clone(), limits[1].clone(), limits[2].clone()};
        for (int i = 0; i < words.size(); i += 4) {
            int c = switch (words.get(i).toLowerCase(Locale.ROOT)) {
                case "normal" -> 0;
                case "slave", "replica" -> 1;
                case "pubsub" -> 2;
                default -> throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            };
            try {
                merged[c][0] = ConfigType.parseMemory(words.get(i + 1));
                merged[c][1] = ConfigType.parseMemory(words.get(i + 2));
                merged[c][2] = Long.parseLong(words.get(i + 3));
            } catch (ConfigException | NumberFormatException e) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            if (merged[c][2] < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
        }
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < CLASSES.length; c++) {
            if (c > 0) {
                out.append(' ');
            }
            out.append(CLASSES[c]).append(' ').append(merged[c][0]).append(' ').append(merged[c][1]).append(' ')
                    .append(merged[c][2]);
        }
        return out.toString();
    }

    @Override
    public synchronized void changed(String value) {
        List<String> words = SpecialValues.words(value);
        for (int c = 0; c < CLASSES.length; c++) {
            for (int k = 0; k < 3; k++) {
                limits[c][k] = Long.parseLong(words.get(c * 4 + 1 + k));
            }
        }
    }
}
