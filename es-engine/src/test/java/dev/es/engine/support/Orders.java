package dev.es.engine.support;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Objects of type {@code Order} for migration tests: one with notes, and what its history holds. */
public final class Orders {

    private Orders() {
    }

    /** A new order whose stream holds {@code events} notes ({@code {"n":0}}, {@code {"n":1}}, ...); its id. */
    public static String withNotes(EventStreams streams, int events) {
        String id = "o" + UUID.randomUUID().toString().substring(0, 8);
        List<EventData> batch = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            batch.add(EventData.of("NoteAdded", "{\"n\":" + i + "}"));
        }
        streams.open("Order", id).append(ExpectedVersion.noStream(), batch);
        return id;
    }

    /** The ids of the order's events, across its streams, in order. */
    public static List<String> eventIds(EventStreams streams, String id) {
        try (var all = streams.open("Order", id).readAll()) {
            return all.map(StoredEvent::eventId).toList();
        }
    }
}
