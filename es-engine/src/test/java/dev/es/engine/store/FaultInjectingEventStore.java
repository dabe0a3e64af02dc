package dev.es.engine.store;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real store and injects faults into chosen appends; every other call (reads, {@code lastEvent},
 * {@code closeEvent}, {@code stream}, fences, holds, sizes, deletion, reachability) goes to the wrapped store as it
 * is, so the engine sees the real store's behaviour. Three kinds of fault:
 * <ul>
 * <li>{@link #failOn}: an <b>unknown outcome</b>, thrown as the engine's {@link CommitFailedException}, before the
 * write took effect or after it (the answer was lost);</li>
 * <li>{@link #delayOn}: an unknown outcome whose write lands <b>later</b>, just before the next version read or
 * append of the same stream (a request that timed out on the client but reached the store afterwards);</li>
 * <li>{@link #crashOn}: the process died mid-call, before or after the write: an {@link InjectedFault} the engine
 * does not expect, which ends the run as a crash would; a re-run then finishes it.</li>
 * </ul>
 * Appends under a {@link WriterHold} taken through this store are subject to the same faults.
 */
public final class FaultInjectingEventStore implements EventStore {

    /** When the injected fault strikes: before the write took effect, or after it. */
    public enum When { BEFORE_WRITE, AFTER_WRITE }

    /** When a delayed write lands. */
    public enum Landing { BEFORE_NEXT_VERSION_READ, BEFORE_NEXT_APPEND }

    private enum Kind { UNKNOWN_OUTCOME, CRASH }

    private final EventStore delegate;
    private volatile Predicate<List<EventData>> matcher = batch -> false;
    private volatile When when = When.BEFORE_WRITE;
    private volatile Kind kind = Kind.UNKNOWN_OUTCOME;
    private final AtomicInteger countdown = new AtomicInteger(-1);
    private volatile boolean every;
    private final AtomicInteger faults = new AtomicInteger();
    private volatile Predicate<List<EventData>> delayMatcher;
    private final AtomicInteger delayCountdown = new AtomicInteger(-1);
    private volatile Landing landing = Landing.BEFORE_NEXT_VERSION_READ;
    private final AtomicReference<Pending> pending = new AtomicReference<>();
    private volatile Predicate<List<EventData>> stallMatcher;
    private volatile CountDownLatch stallReached;
    private volatile CountDownLatch stallRelease;

    private record Pending(String streamId, Landing landing, Supplier<AppendResult> write) {
    }

    public FaultInjectingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    /** The wrapped store. */
    public EventStore delegate() {
        return delegate;
    }

    /**
     * Makes the {@code nth} (1-based) append whose batch matches, once, an unknown outcome: a
     * {@link CommitFailedException}, thrown before the batch is written or after it was.
     */
    public FaultInjectingEventStore failOn(int nth, Predicate<List<EventData>> batchMatcher, When at) {
        return arm(nth, batchMatcher, at, Kind.UNKNOWN_OUTCOME, false);
    }

    /** Makes every append whose batch matches, from now until {@link #heal()}, an unknown outcome. */
    public FaultInjectingEventStore failEvery(Predicate<List<EventData>> batchMatcher, When at) {
        return arm(1, batchMatcher, at, Kind.UNKNOWN_OUTCOME, true);
    }

    /**
     * Makes the {@code nth} (1-based) append whose batch matches, once, a crash of the calling process: an
     * {@link InjectedFault} before the batch is written or after it was.
     */
    public FaultInjectingEventStore crashOn(int nth, Predicate<List<EventData>> batchMatcher, When at) {
        return arm(nth, batchMatcher, at, Kind.CRASH, false);
    }

    private FaultInjectingEventStore arm(int nth, Predicate<List<EventData>> batchMatcher, When at, Kind as,
                                         boolean always) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be 1 or more, was " + nth);
        }
        this.matcher = batchMatcher;
        this.when = at;
        this.kind = as;
        this.every = always;
        this.countdown.set(nth);
        return this;
    }

    /**
     * Makes the {@code nth} (1-based) append whose batch matches, once, an unknown outcome whose write is not made
     * now but just before the next {@code version} read or the next append of the same stream (other reads do not
     * make it land).
     */
    public FaultInjectingEventStore delayOn(int nth, Predicate<List<EventData>> batchMatcher, Landing lands) {
        this.delayMatcher = batchMatcher;
        this.landing = lands;
        this.delayCountdown.set(nth);
        return this;
    }

    /** Stops injecting faults (a delayed write not landed yet still lands). */
    public void heal() {
        countdown.set(-1);
        every = false;
        delayCountdown.set(-1);
    }

    /** How many faults were injected. */
    public int faults() {
        return faults.get();
    }

    /** Whether a delayed write is still waiting to land. */
    public boolean delayedWritePending() {
        return pending.get() != null;
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
        land(streamId, Landing.BEFORE_NEXT_VERSION_READ);
        return delegate.version(streamId);
    }

    @Override
    public @Nullable StoredEvent lastEvent(String streamId) {
        return delegate.lastEvent(streamId);
    }

    @Override
    public @Nullable CloseEvent closeEvent(String streamId) {
        return delegate.closeEvent(streamId);
    }

    @Override
    public Stream<StoredEvent> stream(String streamId, long fromVersion, int pageSize) {
        return delegate.stream(streamId, fromVersion, pageSize);
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
        return inject(streamId, expected, events,
                () -> delegate.appendValidated(streamId, expected, events, fencingToken));
    }

    private AppendResult inject(String streamId, ExpectedVersion expected, List<EventData> events,
                                Supplier<AppendResult> append) {
        land(streamId, Landing.BEFORE_NEXT_APPEND);
        stall(events);
        Predicate<List<EventData>> delayOn = delayMatcher;
        if (delayOn != null && delayOn.test(events) && delayCountdown.get() > 0
                && delayCountdown.decrementAndGet() == 0) {
            faults.incrementAndGet();
            long original = originalVersion(streamId, expected);
            pending.set(new Pending(streamId, landing, append));
            throw unknown(streamId, expected, events, original, "injected timeout; the write lands later");
        }
        boolean strike = matcher.test(events) && countdown.get() > 0
                && (every || countdown.decrementAndGet() == 0);
        if (!strike) {
            return append.get();
        }
        faults.incrementAndGet();
        long original = originalVersion(streamId, expected);
        if (when == When.AFTER_WRITE) {
            original = append.get().previousVersion();
        }
        String what = when == When.BEFORE_WRITE ? "before appending to " + streamId
                : "after appending to " + streamId + " (the append was written)";
        if (kind == Kind.CRASH) {
            throw new InjectedFault("injected crash " + what);
        }
        throw unknown(streamId, expected, events, original, "injected fault " + what);
    }

    /**
     * The version an attempt that wrote nothing appended after, as a real store knows it: the expected one, or for
     * {@code any()} -1 (not known). An attempt that wrote says the version it wrote after.
     */
    private static long originalVersion(String streamId, ExpectedVersion expected) {
        return expected.value() >= 0 ? expected.value() : -1;
    }

    private static CommitFailedException unknown(String streamId, ExpectedVersion expected, List<EventData> events,
                                                 long original, String message) {
        return new CommitFailedException(streamId, expected, original,
                original < 0 ? -1 : original + events.size(), true,
                new InjectedFault(message));
    }

    /** Lands a delayed write waiting for this moment on {@code streamId}; its own outcome is nobody's business. */
    private void land(String streamId, Landing moment) {
        Pending waiting = pending.get();
        if (waiting == null || !waiting.streamId().equals(streamId) || waiting.landing() != moment
                || !pending.compareAndSet(waiting, null)) {
            return;
        }
        try {
            waiting.write().get();
        } catch (RuntimeException refused) {
            // a late write the store refuses (the stream moved on, the fence went up) simply never lands
        }
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
    public OptionalLong maxEventBytes() {
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
    public OptionalLong raiseFence(String streamId, long token) {
        return delegate.raiseFence(streamId, token);
    }

    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        return delegate.holdWriters(streamId, maxHold).map(FaultyHold::new);
    }

    @Override
    public void delete(String streamId) {
        delegate.delete(streamId);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }

    /** A hold of the wrapped store whose appends are subject to the same faults. */
    private final class FaultyHold implements WriterHold {
        private final WriterHold hold;

        FaultyHold(WriterHold hold) {
            this.hold = hold;
        }

        @Override
        public String streamId() {
            return hold.streamId();
        }

        @Override
        public AppendResult appendValidated(ExpectedVersion expected, List<EventData> events, long fencingToken) {
            return inject(hold.streamId(), expected, events,
                    () -> hold.appendValidated(expected, events, fencingToken));
        }

        @Override
        public void close() {
            hold.close();
        }
    }

    /** The cause of an injected unknown outcome, and the injected crash itself: an unexpected runtime error. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message);
        }
    }
}
