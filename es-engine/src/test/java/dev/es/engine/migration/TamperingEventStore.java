package dev.es.engine.migration;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WriterHold;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real store for verification tests: it can make a stored event read back changed from a given moment on,
 * as if someone had changed it in the store (tampering), and it counts the events each stream hands out through
 * {@link #read}, so that a test can tell how much a verification read, and the writer holds taken.
 */
public final class TamperingEventStore implements EventStore {

    private final EventStore delegate;
    private final Map<String, Map<Long, UnaryOperator<StoredEvent>>> tampered = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> eventsRead = new ConcurrentHashMap<>();
    private final Map<String, List<long[]>> readCalls = new ConcurrentHashMap<>();
    private final AtomicInteger holds = new AtomicInteger();

    public TamperingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    /** From now on, the event at {@code version} of {@code streamId} reads back as {@code change} makes it. */
    public void tamper(String streamId, long version, UnaryOperator<StoredEvent> change) {
        tampered.computeIfAbsent(streamId, s -> new ConcurrentHashMap<>()).put(version, change);
    }

    /** The event at {@code version} with {@code payload} in place of its own. */
    public void tamperPayload(String streamId, long version, String payload) {
        tamper(streamId, version, e -> new StoredEvent(e.eventId(), e.type(), e.schemaVersion(), e.version(), payload,
                e.metadata(), e.recordedAt()));
    }

    /** How many events {@link #read} handed out for {@code streamId} so far. */
    public long eventsRead(String streamId) {
        AtomicLong n = eventsRead.get(streamId);
        return n == null ? 0 : n.get();
    }

    /** Each {@link #read} of {@code streamId} so far: from version, events handed out. */
    public List<long[]> readCalls(String streamId) {
        List<long[]> calls = readCalls.get(streamId);
        if (calls == null) {
            return List.of();
        }
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    /** How many times writers were held ({@link #holdWriters}). */
    public int holds() {
        return holds.get();
    }

    /** Forgets the counts. */
    public void resetCounts() {
        eventsRead.clear();
        readCalls.clear();
        holds.set(0);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        List<StoredEvent> page = delegate.read(streamId, fromVersion, maxCount);
        eventsRead.computeIfAbsent(streamId, s -> new AtomicLong()).addAndGet(page.size());
        List<long[]> calls = readCalls.computeIfAbsent(streamId, s -> new ArrayList<>());
        synchronized (calls) {
            calls.add(new long[] {fromVersion, page.size()});
        }
        Map<Long, UnaryOperator<StoredEvent>> changes = tampered.get(streamId);
        if (changes == null || changes.isEmpty()) {
            return page;
        }
        List<StoredEvent> changed = new ArrayList<>(page.size());
        for (StoredEvent e : page) {
            changed.add(change(changes, e));
        }
        return changed;
    }

    private static StoredEvent change(Map<Long, UnaryOperator<StoredEvent>> changes, StoredEvent e) {
        UnaryOperator<StoredEvent> change = changes.get(e.version());
        return change == null ? e : change.apply(e);
    }

    @Override
    public @Nullable StoredEvent lastEvent(String streamId) {
        StoredEvent last = delegate.lastEvent(streamId);
        Map<Long, UnaryOperator<StoredEvent>> changes = tampered.get(streamId);
        return last == null || changes == null ? last : change(changes, last);
    }

    @Override
    public @Nullable CloseEvent closeEvent(String streamId) {
        return delegate.closeEvent(streamId);
    }

    @Override
    public long version(String streamId) {
        return delegate.version(streamId);
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        return delegate.appendValidated(streamId, expected, events, fencingToken);
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
        holds.incrementAndGet();
        return delegate.holdWriters(streamId, maxHold);
    }

    @Override
    public void delete(String streamId) {
        tampered.remove(streamId); // what was changed is gone with the stream
        delegate.delete(streamId);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
