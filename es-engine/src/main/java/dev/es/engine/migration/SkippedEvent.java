package dev.es.engine.migration;

/** A source event left out of the target because its transformation failed (policy {@code SKIP_AND_RECORD}). */
public record SkippedEvent(String eventId, String type, long sourceVersion, String error) {
}
