package dev.es.engine.aggregate;

import dev.es.engine.event.EventSerializer;
import dev.es.engine.store.AppendResult;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.stream.StreamVersion;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads aggregates by replaying their history and saves their new events with optimistic concurrency: a save
 * expects the stream and version the aggregate was loaded at, and follows stream continuations as the settings
 * allow, carrying that version over each close. Loads see events raised through the lazy upcasters registered on
 * {@link EventStreams} (the serializer is asked for the newest schema), at their stored versions.
 *
 * @param <T> the aggregate type
 */
public final class AggregateRepository<T extends Aggregate> {

    private final String objectName;
    private final Supplier<T> factory;
    private final EventStreams streams;
    private final EventSerializer serializer;

    public AggregateRepository(String objectName, Supplier<T> factory, EventStreams streams,
                               EventSerializer serializer) {
        this.objectName = dev.es.engine.Identifiers.requireObjectName(objectName);
        this.factory = Objects.requireNonNull(factory, "factory");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /** A new, empty aggregate with {@code id}; its first save fails if the object already has events. */
    public T create(String id) {
        T aggregate = factory.get();
        EventStream stream = streams.open(objectName, id);
        aggregate.attach(id, stream, new StreamVersion(stream.activeStream(), 0));
        return aggregate;
    }

    /** The aggregate with its whole history applied. */
    public T load(String id) {
        return find(id).orElseThrow(() -> new AggregateNotFoundException(objectName, id));
    }

    /** The aggregate with its whole history applied, or empty when it does not exist. */
    public Optional<T> find(String id) {
        Optional<EventStream> stream = streams.find(objectName, id);
        if (stream.isEmpty()) {
            return Optional.empty();
        }
        T aggregate = factory.get();
        StreamVersion loaded = stream.get().replay(event -> aggregate.apply(serializer.deserialize(event)));
        aggregate.attach(id, stream.get(), loaded);
        return Optional.of(aggregate);
    }

    /**
     * Appends the aggregate's new events, expecting the version it was loaded at. A conflict is a
     * {@link dev.es.engine.store.WrongExpectedVersionException}: load again and redo the command. After a
     * {@link dev.es.engine.store.CommitFailedException} saving again is safe: the same event ids are re-used.
     */
    public void save(T aggregate) {
        if (aggregate.uncommittedEvents().isEmpty()) {
            return;
        }
        EventStream stream = aggregate.stream();
        if (stream == null) {
            throw new IllegalArgumentException("The aggregate was not made by create() or load() of this repository");
        }
        // the version is judged against the stream it was loaded from, and carried over any close since
        AppendResult result = stream.append(aggregate.loadedAt(), aggregate.pending(serializer::serialize));
        aggregate.committed(StreamVersion.of(result));
    }

    public String objectName() {
        return objectName;
    }
}
