package dev.es.engine.event;

import java.time.Instant;
import java.util.Map;

/**
 * An event as a stream holds it.
 *
 * @param version    1-based position of the event in its stream
 * @param recordedAt when the store recorded it (kept when a migration copies the event)
 */
public record StoredEvent(String eventId, String type, int schemaVersion, long version, String payload,
                          Map<String, String> metadata, Instant recordedAt) {

    public StoredEvent {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether this is the close event that ends its stream. */
    public boolean isCloseEvent() {
        return CloseEvent.TYPE.equals(type);
    }

    /** This event as new event data with the same id, type, schema version, payload and metadata. */
    public EventData toEventData() {
        return new EventData(eventId, type, schemaVersion, payload, metadata);
    }
}
