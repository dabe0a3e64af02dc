package dev.es.engine.backup;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStreams;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Objects with a history to back up, and the comparisons the backup tests make. */
final class BackupFixtures {

    private BackupFixtures() {
    }

    /** What a restore must keep of an event: everything but its version. */
    record Kept(String eventId, String type, int schemaVersion, String payload, Map<String, String> metadata,
                Instant recordedAt) {
        static Kept of(StoredEvent e) {
            return new Kept(e.eventId(), e.type(), e.schemaVersion(), e.payload(), e.metadata(), e.recordedAt());
        }
    }

    /** {@code count} events of mixed types and schema versions, with metadata and times of their own. */
    static List<EventData> events(String prefix, int count) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new EventData(prefix + "-" + i, i % 2 == 0 ? "OrderLine" : "OrderNote", 1 + i % 3,
                    "{\"n\":" + i + ",\"text\":\"" + prefix + " \\\"quoted\\\" ünï\",\"list\":[1,2,3]}",
                    Map.of("user", "u" + i, "trace", prefix + i),
                    Instant.parse("2026-01-02T03:04:05.123456Z").plus(i, ChronoUnit.MINUTES)));
        }
        return events;
    }

    /**
     * Closes the document's active stream without copying its events (its history stays where it is) and makes
     * {@code next} the active stream, as a split of a long stream would.
     */
    static void rollOver(DocumentStore documents, EventStore from, String objectName, String objectId,
                         StreamPointer next) {
        ObjectDocument doc = documents.get(objectName, objectId).orElseThrow();
        String streamId = doc.active().streamId();
        long version = from.version(streamId);
        CloseEvent close = new CloseEvent(next.streamId(), next.store(), "rollover", null, version, 0,
                Instant.parse("2026-02-03T04:05:06Z"));
        from.append(streamId, ExpectedVersion.exactly(version), List.of(close.toEventData()));
        documents.update(doc.cutOver(next, new TerminatedStream(streamId, from.name(), "rollover", next.streamId(),
                next.store(), version, close.closedAt())));
    }

    /**
     * An object whose history lies in three streams of {@code store}: 3 events, closed; 2 events, closed; 2 events,
     * active. Answers its document.
     */
    static ObjectDocument objectWithTwoTerminatedStreams(EventStreams streams, EventStore store, String objectId) {
        var stream = streams.open("Order", objectId);
        stream.append(ExpectedVersion.noStream(), events(objectId + "-a", 3));
        stream.tag("vip", "gold");
        rollOver(streams.documents(), store, "Order", objectId, new StreamPointer("order-" + objectId + "-b",
                store.name()));
        streams.open("Order", objectId).append(ExpectedVersion.noStream(), events(objectId + "-b", 2));
        rollOver(streams.documents(), store, "Order", objectId, new StreamPointer("order-" + objectId + "-c",
                store.name()));
        streams.open("Order", objectId).append(ExpectedVersion.noStream(), events(objectId + "-c", 2));
        return streams.documents().get("Order", objectId).orElseThrow();
    }

    /** The object's whole history as {@link Kept}. */
    static List<Kept> history(EventStreams streams, String objectName, String objectId) {
        try (Stream<StoredEvent> all = streams.open(objectName, objectId).readAll()) {
            return all.map(Kept::of).toList();
        }
    }

    /** Every event of a stream, close events included. */
    static List<StoredEvent> stream(EventStore store, String streamId) {
        try (Stream<StoredEvent> events = store.stream(streamId, 1, 1000)) {
            return events.toList();
        }
    }
}
