package dev.es.engine.reliability;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.CommitFailedException;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore.InjectedFault;
import dev.es.engine.store.WriterHold;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real store and injects random faults, drawn from a seeded {@link Random}, into appends (a writer hold's too):
 * unknown outcomes ({@link CommitFailedException}) before or after the write took effect, crashes of the migrator
 * ({@link InjectedFault} on a migration's own copy or close: the run dies there and a re-run resumes it), and slow
 * calls (a short sleep before an append or a read). Reads, fences and holds otherwise go to the wrapped store.
 * {@link #heal()} stops every fault.
 */
final class ChaosEventStore implements EventStore {

    /** How often each fault strikes, as probabilities per call. */
    record Faults(double unknownBefore, double unknownAfter, double migratorCrash, double slow) {

        static final Faults NONE = new Faults(0, 0, 0, 0);

        /** Faults drawn for one scenario. */
        static Faults draw(Random random) {
            double[] levels = {0, 0.01, 0.03, 0.06};
            return new Faults(levels[random.nextInt(levels.length)], levels[random.nextInt(levels.length)],
                    levels[random.nextInt(3)], levels[random.nextInt(levels.length)]);
        }
    }

    private final EventStore delegate;
    private final Random random;
    private volatile Faults faults;
    private final AtomicInteger injected = new AtomicInteger();

    ChaosEventStore(EventStore delegate, long seed, Faults faults) {
        this.delegate = delegate;
        this.random = new Random(seed);
        this.faults = faults;
    }

    void heal() {
        faults = Faults.NONE;
    }

    int injected() {
        return injected.get();
    }

    private boolean draw(double probability) {
        if (probability <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < probability;
        }
    }

    private void maybeSlow() {
        if (draw(faults.slow())) {
            try {
                Thread.sleep(1 + (long) (Math.random() * 3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean migrationWrite(List<EventData> events) {
        EventData last = events.get(events.size() - 1);
        return last.isCloseEvent() || last.metadata().containsKey("es.migratedFrom");
    }

    private AppendResult inject(String streamId, ExpectedVersion expected, List<EventData> events,
                                Supplier<AppendResult> append) {
        maybeSlow();
        Faults now = faults;
        if (migrationWrite(events) && draw(now.migratorCrash())) {
            injected.incrementAndGet();
            if (draw(0.5)) {
                append.get();
            }
            throw new InjectedFault("chaos: the migrator died appending to " + streamId);
        }
        boolean before = draw(now.unknownBefore());
        boolean after = !before && draw(now.unknownAfter());
        if (!before && !after) {
            return append.get();
        }
        injected.incrementAndGet();
        // the version the attempt appended after, as the store knows it (for any(): -1 when nothing was written)
        long original = expected.value() >= 0 ? expected.value() : -1;
        if (after) {
            original = append.get().previousVersion();
        }
        throw new CommitFailedException(streamId, expected, original,
                original < 0 ? -1 : original + events.size(), true,
                new InjectedFault("chaos: unknown outcome " + (after ? "after" : "before") + " the write"));
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        return inject(streamId, expected, events,
                () -> delegate.appendValidated(streamId, expected, events, fencingToken));
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        maybeSlow();
        return delegate.read(streamId, fromVersion, maxCount);
    }

    @Override
    public long version(String streamId) {
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
        return delegate.holdWriters(streamId, maxHold).map(hold -> new WriterHold() {
            @Override
            public String streamId() {
                return hold.streamId();
            }

            @Override
            public AppendResult appendValidated(ExpectedVersion expected, List<EventData> events, long token) {
                return inject(hold.streamId(), expected, events, () -> hold.appendValidated(expected, events, token));
            }

            @Override
            public void close() {
                hold.close();
            }
        });
    }

    @Override
    public void delete(String streamId) {
        delegate.delete(streamId);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
