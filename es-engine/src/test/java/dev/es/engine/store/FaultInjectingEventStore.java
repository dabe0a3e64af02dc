package dev.es.engine.store;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a real store and fails a chosen append: before writing (the process died before the call) or after
 * writing (the call's answer was lost). For crash and unknown-outcome tests.
 */
public final class FaultInjectingEventStore implements EventStore {

    /** When the injected fault strikes. */
    public enum When { BEFORE_WRITE, AFTER_WRITE }

    private final EventStore delegate;
    private volatile Predicate<List<EventData>> matcher = batch -> false;
    private volatile When when = When.BEFORE_WRITE;
    private final AtomicInteger countdown = new AtomicInteger(-1);
    private final AtomicInteger faults = new AtomicInteger();
    private volatile Predicate<List<EventData>> stallMatcher;
    private volatile CountDownLatch stallReached;
    private volatile CountDownLatch stallRelease;

    public FaultInjectingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    /** Fails the {@code nth} (1-based) append whose batch matches, once. */
    public FaultInjectingEventStore failOn(int nth, Predicate<List<EventData>> batchMatcher, When at) {
        this.matcher = batchMatcher;
        this.when = at;
        this.countdown.set(nth);
        return this;
    }

    /** Stops injecting faults. */
    public void heal() {
        countdown.set(-1);
    }

    /** How many faults were injected. */
    public int faults() {
        return faults.get();
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

    /**
     * Makes the next append whose batch matches stall before it reaches the store, as a process in a long GC pause
     * would: it counts {@code reached} down, then waits for {@code release}, then goes on.
     */
    public FaultInjectingEventStore stallOn(Predicate<List<EventData>> batchMatcher, CountDownLatch reached,
                                            CountDownLatch release) {
        this.stallMatcher = batchMatcher;
        this.stallReached = reached;
        this.stallRelease = release;
        return this;
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        return inject(streamId, events, () -> delegate.appendValidated(streamId, expected, events, fencingToken));
    }

    private AppendResult inject(String streamId, List<EventData> events, Supplier<AppendResult> append) {
        stall(events);
        boolean strike = matcher.test(events) && countdown.get() > 0 && countdown.decrementAndGet() == 0;
        if (strike && when == When.BEFORE_WRITE) {
            faults.incrementAndGet();
            throw new InjectedFault("injected fault before appending to " + streamId);
        }
        AppendResult result = append.get();
        if (strike) {
            faults.incrementAndGet();
            throw new InjectedFault("injected fault after appending to " + streamId + " (the append was written)");
        }
        return result;
    }

    private void stall(List<EventData> events) {
        Predicate<List<EventData>> stallOn = stallMatcher;
        if (stallOn == null || !stallOn.test(events)) {
            return;
        }
        stallMatcher = null;
        stallReached.countDown();
        try {
            if (!stallRelease.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("stalled append was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StoredEvent lastEvent(String streamId) {
        return delegate.lastEvent(streamId);
    }

    @Override
    public java.util.stream.Stream<StoredEvent> stream(String streamId, long fromVersion, int pageSize) {
        return delegate.stream(streamId, fromVersion, pageSize);
    }

    @Override
    public java.util.OptionalLong maxEventBytes() {
        return delegate.maxEventBytes();
    }

    @Override
    public long eventBytes(EventData event) {
        return delegate.eventBytes(event);
    }

    @Override
    public boolean supportsFencing() {
        return delegate.supportsFencing();
    }

    @Override
    public void raiseFence(String streamId, long token) {
        delegate.raiseFence(streamId, token);
    }

    @Override
    public java.util.Optional<WriterHold> holdWriters(String streamId, java.time.Duration maxHold) {
        return delegate.holdWriters(streamId, maxHold);
    }

    @Override
    public void delete(String streamId) {
        delegate.delete(streamId);
    }

    /** The injected failure: an unexpected runtime error, as a broken connection would give. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message);
        }
    }
}
