package io.larder.control.model;

/** Node sizes ({@code --cache-node-type}): how much memory a node may hold and how many threads it runs. */
public enum NodeType {
    MICRO("cache.micro", 64, 1),
    SMALL("cache.small", 256, 1),
    MEDIUM("cache.medium", 1024, 2),
    LARGE("cache.large", 4096, 2),
    XLARGE("cache.xlarge", 8192, 4);

    private final String id;
    private final int memoryMb;
    private final int threads;

    NodeType(String id, int memoryMb, int threads) {
        this.id = id;
        this.memoryMb = memoryMb;
        this.threads = threads;
    }

    public String id() {
        return id;
    }

    /** Redis maxmemory and memcached {@code -m}, in megabytes. */
    public int memoryMb() {
        return memoryMb;
    }

    public int threads() {
        return threads;
    }

    public static NodeType parse(String id) {
        for (NodeType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }

    public static String ids() {
        StringBuilder sb = new StringBuilder();
        for (NodeType t : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.id);
        }
        return sb.toString();
    }
}
