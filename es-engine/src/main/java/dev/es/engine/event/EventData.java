package dev.es.engine.event;

import dev.es.engine.Identifiers;
import dev.es.engine.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An event to append: a type name, a schema version, a JSON payload and string metadata.
 * The {@code eventId} makes the append idempotent: appending an event whose id the stream already holds
 * does not write it again.
 *
 * @param eventId       unique within a stream; a new time-ordered UUID (version 7) when not given
 * @param type          the event type name, for example {@code OrderPlaced}
 * @param schemaVersion the payload's schema version, 1 or more
 * @param payload       the payload as JSON text
 * @param metadata      free string metadata; never {@code null}
 * @param recordedAt    when a store should record the event as written instead of the time of the append (copies
 *                      keep their original time), or {@code null}; taken from metadata {@link #RECORDED_AT} when
 *                      that is set and this is not
 */
public record EventData(String eventId, String type, int schemaVersion, String payload, Map<String, String> metadata,
                        @Nullable Instant recordedAt) {

    /** Longest event type name accepted. */
    public static final int MAX_TYPE_LENGTH = 200;
    /** Longest event id accepted. */
    public static final int MAX_EVENT_ID_LENGTH = 100;
    /**
     * Metadata key that carries an ISO-8601 timestamp a store records as the event's {@code recordedAt} instead of
     * the time of the append; migrations and restores use it so that copies keep their original timestamps.
     */
    public static final String RECORDED_AT = "es.recordedAt";

    public EventData {
        if (eventId == null || eventId.isBlank()) {
            eventId = EventIds.next();
        } else if (eventId.length() > MAX_EVENT_ID_LENGTH) {
            throw new InvalidEventException("Event id '" + eventId.substring(0, 40) + "...' is " + eventId.length()
                    + " characters long, at most " + MAX_EVENT_ID_LENGTH + " are allowed");
        } else if (!Identifiers.isStorableText(eventId)) {
            throw new InvalidEventException("Event id '" + Identifiers.printable(eventId) + "' " + UNSTORABLE);
        }
        if (type == null || type.isBlank()) {
            throw new InvalidEventException("Event " + eventId + " has no type");
        }
        if (type.length() > MAX_TYPE_LENGTH) {
            throw new InvalidEventException("Event type of event " + eventId + " is " + type.length()
                    + " characters long, at most " + MAX_TYPE_LENGTH + " are allowed");
        }
        if (!Identifiers.isStorableText(type)) {
            throw new InvalidEventException("Event type '" + Identifiers.printable(type) + "' of event " + eventId + " "
                    + UNSTORABLE);
        }
        if (schemaVersion < 1) {
            throw new InvalidEventException("Event " + eventId + " of type '" + type + "' has schema version "
                    + schemaVersion + ", it must be 1 or more");
        }
        Json.Check check = Json.check(payload);
        if (check == Json.Check.NOT_JSON) {
            // never quoted: a payload may hold personal data, and this message is logged
            throw new InvalidEventException("Payload of event " + eventId + " of type '" + type + "' is not JSON ("
                    + (payload == null ? "null" : payload.length() + " characters") + ")");
        }
        if (check == Json.Check.LONE_SURROGATE) {
            throw new InvalidEventException("Payload of event " + eventId + " of type '" + type + "' holds a UTF-16"
                    + " surrogate without its pair (a character or an escape in U+D800-U+DFFF), which UTF-8 cannot"
                    + " carry: PostgreSQL's jsonb refuses the escape, and the character would be stored as '?'; every"
                    + " store refuses it, so that a stream can move to any store");
        }
        if (check == Json.Check.NUL) {
            throw new InvalidEventException("Payload of event " + eventId + " of type '" + type + "' holds the"
                    + " character U+0000 (written \\u0000), which PostgreSQL's jsonb cannot store; every store"
                    + " refuses it, so that a stream can move to any store");
        }
        if (metadata == null) {
            metadata = Map.of();
        } else {
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                if (entry.getKey() == null || entry.getValue() == null) {
                    throw new InvalidEventException("Metadata of event " + eventId + " has a null "
                            + (entry.getKey() == null ? "key"
                            : "value, for key '" + Identifiers.printable(entry.getKey()) + "'")
                            + "; leave the entry out instead");
                }
                if (!Identifiers.isStorableText(entry.getKey()) || !Identifiers.isStorableText(entry.getValue())) {
                    throw new InvalidEventException("Metadata '" + Identifiers.printable(entry.getKey()) + "' of event "
                            + eventId + " " + UNSTORABLE);
                }
            }
            metadata = Map.copyOf(metadata);
        }
        String recordedAtText = metadata.get(RECORDED_AT);
        if (recordedAt == null && recordedAtText != null) {
            try {
                recordedAt = Instant.parse(recordedAtText);
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("Metadata " + RECORDED_AT + " of event " + eventId
                        + " is not an ISO-8601 instant: " + abbreviate(recordedAtText), e);
            }
        }
    }

    private static final String UNSTORABLE = "holds the character U+0000 or a UTF-16 surrogate without its pair,"
            + " which PostgreSQL cannot store (and UTF-8 cannot carry); every store refuses it, so that a stream can"
            + " move to any store";

    /** An event the store records at the time of the append (or at metadata {@link #RECORDED_AT} when set). */
    public EventData(String eventId, String type, int schemaVersion, String payload, Map<String, String> metadata) {
        this(eventId, type, schemaVersion, payload, metadata, null);
    }

    /** When a store should record this event as written: {@link #recordedAt()} when set, else {@code now}. */
    public Instant recordedAt(Instant now) {
        return recordedAt == null ? now : recordedAt;
    }

    /** An event of schema version 1 with a random id and no metadata. */
    public static EventData of(String type, String payload) {
        return new EventData(null, type, 1, payload, Map.of());
    }

    /** A copy of this event with {@code key=value} added to its metadata. */
    public EventData withMetadata(String key, String value) {
        var copy = new java.util.HashMap<>(metadata);
        copy.put(key, value);
        return new EventData(eventId, type, schemaVersion, payload, copy, recordedAt);
    }

    /** A copy of this event with the given metadata in place of its own. */
    public EventData withMetadata(Map<String, String> newMetadata) {
        return new EventData(eventId, type, schemaVersion, payload, newMetadata, recordedAt);
    }

    /** Whether this is the close event that ends a stream. */
    public boolean isCloseEvent() {
        return CloseEvent.TYPE.equals(type);
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
    }
}
