package dev.es.engine.stream;

import dev.es.engine.event.EventData;
import java.util.ArrayList;
import java.util.List;

/** A buffer of events that {@link EventStream#session} commits in one atomic append. */
public final class EventStreamSession {

    private final List<EventData> buffer = new ArrayList<>();

    EventStreamSession() {
    }

    /** Adds an event to the commit. */
    public EventStreamSession append(EventData event) {
        buffer.add(java.util.Objects.requireNonNull(event, "event"));
        return this;
    }

    /** Adds an event of schema version 1 with a random id. */
    public EventStreamSession append(String type, String payload) {
        return append(EventData.of(type, payload));
    }

    /** The events buffered so far. */
    public List<EventData> events() {
        return List.copyOf(buffer);
    }
}
