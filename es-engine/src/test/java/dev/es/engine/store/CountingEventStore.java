package dev.es.engine.store;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real store and records the calls made to it: every read (stream, from which version, how many asked, how
 * many returned), version lookups and appends. The SPI's default methods ({@code lastEvent}, {@code closeEvent},
 * {@code stream}) are not forwarded, so what they read is recorded as the reads they make. For tests of what an
 * operation costs in store calls (design section 4 point 5).
 */
public final class CountingEventStore implements EventStore {

    /** One {@link #read} call. */
    public record Read(String streamId, long fromVersion, int maxCount, List<Long> versions) {
    }

    private final EventStore delegate;
    private final List<Read> reads = new ArrayList<>();
    private final AtomicInteger versions = new AtomicInteger();
    private final AtomicInteger appends = new AtomicInteger();

    public CountingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    /** Forgets what was recorded so far. */
    public synchronized void reset() {
        reads.clear();
        versions.set(0);
        appends.set(0);
    }

    /** The reads of {@code streamId} since the last reset, in order. */
    public synchronized List<Read> reads(String streamId) {
        return reads.stream().filter(r -> r.streamId().equals(streamId)).toList();
    }

    /** How many events the reads of {@code streamId} returned since the last reset. */
    public synchronized long eventsRead(String streamId) {
        return reads(streamId).stream().mapToLong(r -> r.versions().size()).sum();
    }

    /** Version lookups since the last reset, of any stream. */
    public int versionCalls() {
        return versions.get();
    }

    /** Appends since the last reset, of any stream. */
    public int appendCalls() {
        return appends.get();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        List<StoredEvent> page = delegate.read(streamId, fromVersion, maxCount);
        List<Long> got = new ArrayList<>(page.size());
        page.forEach(e -> got.add(e.version()));
        synchronized (this) {
            reads.add(new Read(streamId, fromVersion, maxCount, got));
        }
        return page;
    }

    @Override
    public long version(String streamId) {
        versions.incrementAndGet();
        return delegate.version(streamId);
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        appends.incrementAndGet();
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
        return delegate.holdWriters(streamId, maxHold);
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
    public void delete(String streamId) {
        delegate.delete(streamId);
    }
}
