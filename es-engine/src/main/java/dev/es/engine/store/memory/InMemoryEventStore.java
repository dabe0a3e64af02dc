package dev.es.engine.store.memory;

import dev.es.engine.Identifiers;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.Appends;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStreamClosedException;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.WriterHoldExpiredException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default event store: streams in memory, one lock per stream, thread-safe. Nothing survives a restart.
 * A stream's fence is a field checked under the stream's lock.
 */
public final class InMemoryEventStore implements EventStore {

    private final String name;
    private final Clock clock;
    private final ConcurrentHashMap<String, MemoryStream> streams = new ConcurrentHashMap<>();

    public InMemoryEventStore(String name) {
        this(name, Clock.systemUTC());
    }

    public InMemoryEventStore(String name, Clock clock) {
        this.name = Identifiers.requireStoreName(name);
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
        Appends.validateRead(streamId, fromVersion, maxCount);
        MemoryStream stream = streams.get(streamId);
        return stream == null ? List.of() : stream.read(fromVersion, maxCount);
    }

    /** {@link EventStore#DEFAULT_MAX_EVENT_BYTES}. */
    @Override
    public OptionalLong maxEventBytes() {
        return OptionalLong.of(DEFAULT_MAX_EVENT_BYTES);
    }

    @Override
    public long version(String streamId) {
        Identifiers.requireStreamId(streamId);
        MemoryStream stream = streams.get(streamId);
        return stream == null ? 0 : stream.version();
    }

    @Override
    public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                        long fencingToken) {
        Appends.checkEventSizes(this, streamId, events);
        if (!expected.matches(0) && !streams.containsKey(streamId)) {
            // an absent stream is at version 0, unfenced, open and holds no ids: refused without creating it, so a
            // refused append leaves nothing behind
            throw new WrongExpectedVersionException(streamId, expected, 0);
        }
        return streams.computeIfAbsent(streamId, id -> new MemoryStream()).append(streamId, expected, events,
                fencingToken, null);
    }

    /**
     * Holds the other writers of the stream in this store (every thread of this JVM, whichever {@code EventStreams}
     * it writes through) for at most {@code maxHold}: their appends wait until the hold is closed or runs out.
     */
    @Override
    public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        Identifiers.requireStreamId(streamId);
        Objects.requireNonNull(maxHold, "maxHold");
        MemoryStream stream = streams.computeIfAbsent(streamId, id -> new MemoryStream());
        return Optional.of(stream.hold(streamId, System.nanoTime() + Math.max(0, maxHold.toNanos())));
    }

    @Override
    public boolean supportsFencing() {
        return true;
    }

    @Override
    public OptionalLong raiseFence(String streamId, long token) {
        Identifiers.requireStreamId(streamId);
        Appends.requireFencingToken(token);
        return OptionalLong.of(streams.computeIfAbsent(streamId, id -> new MemoryStream()).raiseFence(token));
    }

    @Override
    public void delete(String streamId) {
        Identifiers.requireStreamId(streamId);
        streams.remove(streamId);
    }

    /** Number of streams held; for tests and diagnostics. */
    public int streamCount() {
        return streams.size();
    }

    private final class MemoryStream {

        private final List<StoredEvent> events = new ArrayList<>();
        private final Map<String, Long> versionsById = new HashMap<>();
        private @Nullable CloseEvent closed;
        private long fence;
        /** The hold in force, if any, and until when ({@link System#nanoTime()}). */
        private Object holder;
        private long heldUntil;

        synchronized long version() {
            return events.size();
        }

        synchronized List<StoredEvent> read(long fromVersion, int maxCount) {
            if (fromVersion > events.size()) {
                return List.of();
            }
            int from = (int) (fromVersion - 1);
            int to = (int) Math.min(events.size(), (long) from + maxCount);
            return List.copyOf(events.subList(from, to));
        }

        /** Answers the version the fence was raised on. */
        synchronized long raiseFence(long token) {
            fence = Math.max(fence, token);
            return events.size();
        }

        synchronized WriterHold hold(String streamId, long until) {
            awaitNoHold(null);
            Object owner = new Object();
            holder = owner;
            heldUntil = until;
            return new WriterHold() {
                @Override
                public String streamId() {
                    return streamId;
                }

                @Override
                public AppendResult appendValidated(ExpectedVersion expected, List<EventData> events,
                                                    long fencingToken) {
                    Appends.checkEventSizes(InMemoryEventStore.this, streamId, events);
                    return MemoryStream.this.append(streamId, expected, events, fencingToken, owner);
                }

                @Override
                public void close() {
                    release(owner);
                }
            };
        }

        private synchronized void release(Object owner) {
            if (holder == owner) {
                holder = null;
                notifyAll();
            }
        }

        /** Waits while someone other than {@code owner} holds the writers and the hold has not run out. */
        private void awaitNoHold(Object owner) {
            boolean interrupted = false;
            while (holder != null && holder != owner) {
                long left = heldUntil - System.nanoTime();
                if (left <= 0) {
                    holder = null; // ran out: writers go on
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized AppendResult append(String streamId, ExpectedVersion expected, List<EventData> batch,
                                         long fencingToken, Object owner) {
            if (owner != null) {
                if (holder != owner || heldUntil - System.nanoTime() <= 0) {
                    throw new WriterHoldExpiredException(streamId, "held appends must come within maxHold");
                }
            } else {
                awaitNoHold(null);
            }
            Appends.checkFence(streamId, fencingToken, fence);
            long current = events.size();
            long existing = Appends.alreadyWritten(streamId, batch, id -> versionsById.getOrDefault(id, -1L));
            if (existing >= 0) {
                return new AppendResult(streamId, name, existing - batch.size(), existing, true);
            }
            if (closed != null) {
                throw new EventStreamClosedException(streamId, closed);
            }
            if (!expected.matches(current)) {
                throw new WrongExpectedVersionException(streamId, expected, current);
            }
            CloseEvent close = batch.get(batch.size() - 1).isCloseEvent()
                    ? CloseEvent.fromPayload(batch.get(batch.size() - 1).payload()) : null;
            var now = clock.instant();
            long version = current;
            for (EventData e : batch) {
                version++;
                events.add(new StoredEvent(e.eventId(), e.type(), e.schemaVersion(), version, e.payload(),
                        e.metadata(), e.recordedAt(now)));
                versionsById.put(e.eventId(), version);
            }
            closed = close;
            return new AppendResult(streamId, name, current, version, false);
        }
    }
}
