package io.larder.control.api;

import io.larder.control.model.Event;
import io.larder.control.model.Ids;
import io.larder.control.store.Store;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeEvents' parameters, checked as ElastiCache checks them (times as ISO-8601 text, as both APIs carry them).
 *
 * @param duration   minutes back from the end time (60 when neither it nor the start time is given)
 * @param maxRecords 20 to 100 (100 when absent)
 */
public record EventQuery(String sourceIdentifier, String sourceType, String startTime, String endTime,
                         Integer duration, Integer maxRecords) {

    /** The matching events, newest first as DescribeEvents lists them. */
    public List<Event> select(Store store, long now) {
        if (sourceType != null && !sourceType.equals("cache-cluster")) {
            throw ApiException.invalidValue("Invalid SourceType '" + sourceType
                    + "': only cache-cluster has events so far.");
        }
        if (duration != null && startTime != null) {
            throw ApiException.invalidCombination("StartTime and Duration cannot both be given.");
        }
        long end = instant(endTime, "EndTime", now);
        long start = startTime != null ? instant(startTime, "StartTime", 0)
                : end - (duration == null ? 60 : duration) * 60_000L;
        if (maxRecords != null && (maxRecords < 20 || maxRecords > 100)) {
            throw ApiException.invalidValue("MaxRecords must be between 20 and 100.");
        }
        List<Event> events = store.events(sourceIdentifier == null ? null : Ids.cacheClusterId(sourceIdentifier),
                start, end);
        int limit = maxRecords == null ? 100 : maxRecords;
        List<Event> out = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(events.get(i));
        }
        return out;
    }

    static long instant(String text, String name, long absent) {
        if (text == null) {
            return absent;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidValue(name + " must be an ISO-8601 time such as 2026-11-27T17:00:00Z.");
        }
    }
}
