package io.larder.memcached.text;

import io.larder.memcached.server.McServer;
import io.larder.memcached.store.Ascii;
import io.larder.memcached.store.SlabClasses;

/**
 * memcached's tuning commands (slabs, lru_crawler, lru) with its replies. Larder has no slab pages to move and
 * one LRU per stripe, so these accept and check their arguments as memcached does; {@code lru_crawler crawl}
 * runs the expired-item sweep at once.
 */
final class AdminCommands {
    private final TextProtocol text;
    private final McServer server;
    private volatile boolean crawlerEnabled;

    AdminCommands(TextProtocol text, McServer server) {
        this.text = text;
        this.server = server;
        this.crawlerEnabled = server.settings().lruCrawler;
    }

    private SlabClasses classes() {
        return new SlabClasses(server.settings().chunkSize, server.settings().growthFactor,
                server.settings().slabChunkMax);
    }

    void slabs(Tokens t, int ntokens) {
        if (ntokens == 5 && t.is(1, "reassign")) {
            long src = t.strtol(2);
            long dst = src == Ascii.INVALID ? Ascii.INVALID : t.strtol(3);
            if (dst == Ascii.INVALID) {
                text.reply(Replies.BAD_FORMAT);
                return;
            }
            int largest = classes().largest();
            if (src == dst) {
                text.reply("SAME src and dst class are identical");
            } else if (src < 0 || src > largest || dst < 0 || dst > largest) {
                text.reply("BADCLASS invalid src or dst class id");
            } else {
                // Items are allocated one by one, so no class ever holds a spare page to give away.
                text.reply("NOSPARE source class has no spare pages");
            }
        } else if (ntokens >= 4 && t.is(1, "automove")) {
            text.noreplyFromLastToken(ntokens);
            if (t.is(2, "ratio")) {
                if (ntokens < 5 || !isDouble(t.string(3))) {
                    text.reply(Replies.ERROR);
                    return;
                }
                text.reply(Replies.OK);
                return;
            }
            long level = t.strtoul(2);
            if (level == Ascii.INVALID) {
                text.reply(Replies.BAD_FORMAT);
            } else if (level <= 2) {
                text.reply(Replies.OK);
            } else {
                text.reply(Replies.ERROR);
            }
        } else {
            text.reply(Replies.ERROR);
        }
    }

    void lruCrawler(Tokens t, int ntokens) {
        if (ntokens == 4 && t.is(1, "crawl")) {
            if (!crawlerEnabled) {
                text.reply("CLIENT_ERROR lru crawler disabled");
                return;
            }
            if (!validClassList(t.string(2))) {
                text.reply("BADCLASS invalid class id");
                return;
            }
            server.store().reclaimExpired();
            text.reply(Replies.OK);
        } else if (ntokens == 4 && t.is(1, "metadump")) {
            text.reply(crawlerEnabled ? "ERROR metadump not allowed" : "CLIENT_ERROR lru crawler disabled");
        } else if (ntokens == 4 && (t.is(1, "tocrawl") || t.is(1, "sleep"))) {
            long v = t.strtoul(2);
            if (v == Ascii.INVALID) {
                text.reply(Replies.BAD_FORMAT);
            } else if (t.is(1, "sleep") && v > 1_000_000) {
                text.reply("CLIENT_ERROR sleep must be one second or less");
            } else {
                text.reply(Replies.OK);
            }
        } else if (ntokens == 3 && (t.is(1, "enable") || t.is(1, "disable"))) {
            crawlerEnabled = t.is(1, "enable");
            text.reply(Replies.OK);
        } else {
            text.reply(Replies.ERROR);
        }
    }

    /** "all" or a comma-separated list of existing class ids, as lru_crawler_crawl accepts. */
    private boolean validClassList(String list) {
        if (list.equals("all")) {
            return true;
        }
        int largest = classes().largest();
        for (String id : list.split(",", -1)) {
            try {
                int n = Integer.parseInt(id);
                if (n < 1 || n > largest) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    void lru(Tokens t, int ntokens) {
        text.noreplyFromLastToken(ntokens);
        boolean maintainer = server.settings().lruMaintainer;
        if (t.is(1, "tune") && ntokens >= 7) {
            long hot = t.strtoul(2);
            long warm = t.strtoul(3);
            if (hot == Ascii.INVALID || warm == Ascii.INVALID || !isDouble(t.string(4)) || !isDouble(t.string(5))) {
                text.reply(Replies.ERROR);
            } else if (hot + warm > 80) {
                text.reply("ERROR hot and warm pcts must not exceed 80");
            } else if (Double.parseDouble(t.string(4)) <= 0 || Double.parseDouble(t.string(5)) <= 0) {
                text.reply("ERROR hot/warm age factors must be greater than 0");
            } else {
                text.reply(Replies.OK);
            }
        } else if (t.is(1, "mode") && ntokens >= 4 && maintainer) {
            text.reply(t.is(2, "flat") || t.is(2, "segmented") ? Replies.OK : Replies.ERROR);
        } else if (t.is(1, "temp_ttl") && ntokens >= 4 && maintainer) {
            text.reply(t.strtol(2) == Ascii.INVALID ? Replies.ERROR : Replies.OK);
        } else {
            text.reply(Replies.ERROR);
        }
    }

    private static boolean isDouble(String s) {
        try {
            Double.parseDouble(s);
            return !s.isEmpty() && !Character.isLetter(s.charAt(s.length() - 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
