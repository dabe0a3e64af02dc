package dev.es.engine.support;

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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real event store with hooks, for tests that must act at an exact step: {@link #beforeAppend} and
 * {@link #afterAppend} see each batch on its way in (after it is written, for the second), and
 * {@link #declineHolds} makes the store decline writer holds, so a migration falls back to the in-process write gate.
 * Everything else is the store's own.
 */
public final class HookedEventStore implements EventStore {

    private final EventStore delegate;
    private volatile Consumer<List<EventData>> beforeAppend = events -> { };
    private volatile Consumer<List<EventData>> afterAppend = events -> { };
    private volatile boolean declineHolds;

    public HookedEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    /** Called with each batch before it reaches the store. */
    public HookedEventStore beforeAppend(Consumer<List<EventData>> hook) {
        this.beforeAppend = hook;
        return this;
    }

    /** Called with each batch once the store wrote it. */
    public HookedEventStore afterAppend(Consumer<List<EventData>> hook) {
        this.afterAppend = hook;
        return this;
    }

    /** Whether {@link #holdWriters} answers empty, as a store that cannot hold writers does. */
    public HookedEventStore declineHolds(boolean decline) {
        this.declineHolds = decline;
        return this;
    }

    /** Whether the batch ends with a close event. */
    public static boolean isClose(List<EventData> events) {
        return !events.isEmpty() && events.get(events.size() - 1).isCloseEvent();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        return delegate.read(streamId, fromVersion, maxCount);
    }

    @Override
    public long version(String streamId) {
        return delegate.version(streamId);
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        beforeAppend.accept(events);
        AppendResult result = delegate.appendValidated(streamId, expected, events, fencingToken);
        afterAppend.accept(events);
        return result;
    }

    @Override
    public boolean supportsFencing() {
        return delegate.supportsFencing();
    }

    @Override
    public OptionalLong raiseFence(String streamId, long token) {
        return delegate.raiseFence(streamId, token);
    }

    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        return declineHolds ? Optional.empty() : delegate.holdWriters(streamId, maxHold);
    }

    @Override
    public OptionalLong maxEventBytes() {
        return delegate.maxEventBytes();
    }

    @Override
    public long eventBytes(EventData event) {
        return delegate.eventBytes(event);
    }

    @Override
    public Stream<StoredEvent> stream(String streamId, long fromVersion, int pageSize) {
        return delegate.stream(streamId, fromVersion, pageSize);
    }

    @Override
    public void delete(String streamId) {
        delegate.delete(streamId);
    }
}
