package io.larder.control.model;

/** A recorded event (ElastiCache's Event: SourceIdentifier, SourceType, Message, Date). */
public record Event(String sourceIdentifier, String sourceType, String message, long time) {
}
