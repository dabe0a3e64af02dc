package dev.es.engine.resilience;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WriterHold;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An event store whose calls go through a {@link StoreResilience}: reads, version, fence raises and deletes (all safe
 * to repeat) are retried on transient errors; appends and writer holds are made once (their outcome may be unknown,
 * which the caller resolves), through the store's breaker. Everything else is the store's own.
 */
final class ResilientEventStore implements EventStore {

    private final EventStore store;
    private final StoreResilience resilience;
    private final String name;

    ResilientEventStore(EventStore store, StoreResilience resilience) {
        this.store = store;
        this.resilience = resilience;
        this.name = store.name();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        return resilience.call(name, () -> store.read(streamId, fromVersion, maxCount));
    }

    @Override
    public long version(String streamId) {
        return resilience.call(name, () -> store.version(streamId));
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        return resilience.callOnce(name, () -> store.append(streamId, expected, events));
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events,
                               long fencingToken) {
        return resilience.callOnce(name, () -> store.append(streamId, expected, events, fencingToken));
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        return resilience.callOnce(name, () -> store.appendValidated(streamId, expected, events, fencingToken));
    }

    @Override
    public boolean supportsFencing() {
        return store.supportsFencing();
    }

    @Override
    public OptionalLong raiseFence(String streamId, long token) {
        return resilience.call(name, () -> store.raiseFence(streamId, token));
    }

    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        return resilience.callOnce(name, () -> store.holdWriters(streamId, maxHold));
    }

    @Override
    public OptionalLong maxEventBytes() {
        return store.maxEventBytes();
    }

    @Override
    public long eventBytes(EventData event) {
        return store.eventBytes(event);
    }

    @Override
    public @Nullable StoredEvent lastEvent(String streamId) {
        return resilience.call(name, () -> store.lastEvent(streamId));
    }

    @Override
    public @Nullable CloseEvent closeEvent(String streamId) {
        return resilience.call(name, () -> store.closeEvent(streamId));
    }

    @Override
    public Stream<StoredEvent> stream(String streamId, long fromVersion, int pageSize) {
        // page by page through this store's read, so that each page is retried on its own
        return EventStore.super.stream(streamId, fromVersion, pageSize);
    }

    @Override
    public void delete(String streamId) {
        resilience.run(name, () -> store.delete(streamId));
    }

    @Override
    public boolean isReachable() {
        return store.isReachable();
    }

    @Override
    public String toString() {
        return "Resilient[" + store + "]";
    }
}
