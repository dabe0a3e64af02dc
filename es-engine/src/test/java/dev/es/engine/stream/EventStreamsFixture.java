package dev.es.engine.stream;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;

/** Builds {@link EventStreams} over in-memory stores named {@code main} and {@code other}. */
public final class EventStreamsFixture {

    public final EventStore main;
    public final EventStore other;
    public final DocumentStore documents = new InMemoryDocumentStore();
    public final InMemoryTagStore tags = new InMemoryTagStore();
    public final EventStreams streams;

    public EventStreamsFixture() {
        this(EventStreamSettings.defaults());
    }

    public EventStreamsFixture(EventStreamSettings settings) {
        this(settings, new InMemoryEventStore("main"), new InMemoryEventStore("other"));
    }

    public EventStreamsFixture(EventStreamSettings settings, EventStore main, EventStore other) {
        this.main = main;
        this.other = other;
        this.streams = new EventStreams(EventStoreRegistry.of(main, other), documents, tags, settings, "main");
    }
}
