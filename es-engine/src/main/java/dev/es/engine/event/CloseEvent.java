package dev.es.engine.event;

import dev.es.engine.CorruptDataException;
import dev.es.engine.internal.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The payload of the {@code EventStream.Closed} event, the last event a stream can ever hold.
 * It points writers at the continuation stream and lets an exact expected version carry over:
 * a writer that expected {@code lastSourceVersion} on the closed stream expects {@code targetVersionAtClose}
 * on the continuation.
 *
 * @param continuationStreamId the stream that continues this one, or {@code null} when none does
 * @param continuationStore    the store holding the continuation, or {@code null}
 * @param reason               why the stream was closed
 * @param migrationId          the migration that closed it, or {@code null} when closed by hand; a migration copies
 *                             the stream's history into the continuation
 * @param lastSourceVersion    the version of the closed stream just before the close event
 * @param targetVersionAtClose the continuation's version when the close was written
 * @param closedAt             when the close was written
 */
public record CloseEvent(@Nullable String continuationStreamId, @Nullable String continuationStore, String reason,
                         @Nullable String migrationId,
                         long lastSourceVersion, long targetVersionAtClose, Instant closedAt) {

    /** The event type of close events. */
    public static final String TYPE = "EventStream.Closed";

    public CloseEvent {
        if ((continuationStreamId == null) != (continuationStore == null)) {
            throw new InvalidEventException("A close event names both a continuation stream and its store, or neither"
                    + " (got stream " + continuationStreamId + ", store " + continuationStore + ")");
        }
        if (lastSourceVersion < 0 || targetVersionAtClose < 0) {
            throw new InvalidEventException("Versions in a close event must not be negative");
        }
        closedAt = closedAt == null ? Instant.now() : closedAt;
    }

    /** Whether writers can go on in another stream. */
    public boolean hasContinuation() {
        return continuationStreamId != null;
    }

    /** Whether the closed stream's history was copied into its continuation by a migration. */
    public boolean historyCopiedToContinuation() {
        return migrationId != null && hasContinuation();
    }

    /** This close as event data with a fresh event id. */
    public EventData toEventData() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("continuationStreamId", continuationStreamId);
        body.put("continuationStore", continuationStore);
        body.put("reason", reason);
        body.put("migrationId", migrationId);
        body.put("lastSourceVersion", lastSourceVersion);
        body.put("targetVersionAtClose", targetVersionAtClose);
        body.put("closedAt", closedAt.toString());
        String id = migrationId == null ? UUID.randomUUID().toString() : "close-" + migrationId;
        return new EventData(id, TYPE, 1, Json.mapper().writeValueAsString(body), Map.of());
    }

    /** Reads the close payload of a stored close event. */
    public static CloseEvent from(StoredEvent event) {
        if (!event.isCloseEvent()) {
            throw new InvalidEventException("Event " + event.eventId() + " of type '" + event.type()
                    + "' is not a close event");
        }
        return fromPayload(event.payload());
    }

    /**
     * Reads the close event of stream {@code streamId} as a store gave it back: a payload that is not a close
     * event's (changed outside es) is a {@link CorruptDataException} naming the stream, not a bad request.
     */
    public static CloseEvent from(String streamId, StoredEvent event) {
        if (!event.isCloseEvent()) {
            throw new InvalidEventException("Event " + event.eventId() + " of type '" + event.type()
                    + "' is not a close event");
        }
        return fromStored(streamId, "version " + event.version(), event.payload());
    }

    /**
     * Reads a close payload that a store kept for stream {@code streamId} ({@code location} says where, for the
     * error): unreadable, it is a {@link CorruptDataException} naming the stream.
     */
    public static CloseEvent fromStored(String streamId, String location, String payload) {
        try {
            return fromPayload(payload);
        } catch (InvalidEventException garbled) {
            Throwable why = garbled.getCause() == null ? garbled : garbled.getCause();
            String reason = garbled.getCause() == null ? garbled.getMessage() : CorruptDataException.reasonOf(why);
            throw new CorruptDataException("close event of stream '" + streamId + "'", location,
                    "its payload is not a close event's (" + reason + ")", garbled);
        }
    }

    /** Reads the close payload from its JSON text. */
    public static CloseEvent fromPayload(String payload) {
        try {
            JsonNode n = Json.tree(payload);
            if (!n.isObject()) {
                throw new InvalidEventException("A close event's payload must be a JSON object");
            }
            for (String version : new String[] {"lastSourceVersion", "targetVersionAtClose"}) {
                if (n.has(version) && !n.get(version).canConvertToExactIntegral()) {
                    throw new InvalidEventException("A close event's " + version + " must be a whole number");
                }
            }
            return new CloseEvent(text(n, "continuationStreamId"), text(n, "continuationStore"), text(n, "reason"),
                    text(n, "migrationId"), n.path("lastSourceVersion").asLong(0),
                    n.path("targetVersionAtClose").asLong(0),
                    n.hasNonNull("closedAt") ? Instant.parse(n.get("closedAt").asString()) : null);
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            throw new InvalidEventException("A close event's payload cannot be read: " + EventData.abbreviate(payload), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
