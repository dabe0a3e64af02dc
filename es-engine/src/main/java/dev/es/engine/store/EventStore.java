package dev.es.engine.store;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The event store SPI. Every append goes through {@link #append(String, ExpectedVersion, List)} or its fenced form,
 * which check the arguments ({@link Appends#validate}: stream id, condition, each event, close events only last) in
 * one place before the store sees them; a store implements {@link #appendValidated}, which applies the state rules
 * atomically with the write, in this order: the fence, idempotency (a batch already written), a closed stream, the
 * expected version. Operators' operations (delete, reachability) are apart, in {@link EventStoreAdmin}. Every
 * implementation keeps the append invariants of the design (section 4), proved by the shared
 * {@code AbstractEventStoreContractTest} (in the {@code es-test} artifact):
 * <ol>
 * <li>an append is atomic and conditional on its {@link ExpectedVersion};</li>
 * <li>a stream whose last event is a close event refuses appends with {@link EventStreamClosedException};</li>
 * <li>re-appending a batch whose event ids the stream already holds writes nothing and succeeds; a retry with
 * {@link CommitFailedException#retryCondition()} is recognised however far the stream moved (see
 * {@link Appends#retriedAt});</li>
 * <li>an append costs in proportion to the events appended; reads come in pages.</li>
 * </ol>
 */
public interface EventStore extends EventStoreAdmin {

    /** The name this store is configured under. */
    String name();

    /**
     * Up to {@code maxCount} events of the stream, from {@code fromVersion} (1-based) on, in order.
     * An absent stream, or a {@code fromVersion} past its end, gives an empty list.
     */
    List<StoredEvent> read(String streamId, long fromVersion, int maxCount);

    /** The stream's version: its last event's version, 0 when empty or absent. */
    long version(String streamId);

    /**
     * Appends {@code events} atomically if the stream's version matches {@code expected}.
     * A close event may only be the last event of a batch.
     *
     * @throws WrongExpectedVersionException the version did not match; nothing written
     * @throws EventStreamClosedException    the stream is closed; nothing written
     * @throws DuplicateEventIdException     the batch partly repeats events already written; nothing written
     * @throws CommitFailedException         the outcome is unknown; retry the same events
     * @throws dev.es.engine.event.InvalidEventException    a bad batch (nothing written, the store not asked)
     */
    default AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        Appends.validate(streamId, expected, events);
        return appendValidated(streamId, expected, events, Appends.UNFENCED);
    }

    /**
     * The store's own append, its arguments already checked by {@link #append}: atomically with the write, refuses
     * in this order a stale {@code fencingToken} ({@link StaleFencingTokenException}; {@link Appends#UNFENCED} for
     * an unfenced append, always for a store that does not {@link #supportsFencing() support fencing}), answers a
     * batch already written as such (idempotency, {@link Appends#alreadyWritten} and {@link Appends#retriedAt}),
     * refuses a closed stream, then a version that does not match {@code expected}; else writes the batch.
     */
    AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                 long fencingToken);

    /**
     * Whether this store keeps fences ({@link #raiseFence}, and {@link #append(String, ExpectedVersion, List, long)}
     * checks them). A store that does not may still be used; fenced appends are then plain appends.
     */
    default boolean supportsFencing() {
        return false;
    }

    /**
     * Raises the stream's fence to at least {@code token} (it never goes down): from then on, a fenced append with a
     * lower token is refused. Works on an absent stream too, which stays empty (version 0, nothing to read, open).
     * <p>
     * Answers the stream's version as the raise found it when the store knows it for certain on the way (the raise
     * wrote on that state: a row it locked, a blob it changed on its ETag), else empty; a store may always answer
     * empty. A migration whose target the raise found empty (0) starts its copy without reading the target again.
     *
     * @throws UnsupportedOperationException when the store does not {@link #supportsFencing() support fencing}
     */
    default OptionalLong raiseFence(String streamId, long token) {
        throw new UnsupportedOperationException("Event store '" + name() + "' (" + getClass().getSimpleName()
                + ") does not support fencing tokens");
    }

    /**
     * Like {@link #append(String, ExpectedVersion, List)}, but refused when the stream's fence is above
     * {@code fencingToken}; the fence check and the write are atomic (a raise cannot come between them). Arguments
     * are checked first, then the fence, then idempotency, closed stream and version. A store that does not
     * {@link #supportsFencing() support fencing} makes a plain append.
     *
     * @throws StaleFencingTokenException the stream's fence is above {@code fencingToken}; nothing written
     */
    default AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events,
                                long fencingToken) {
        Appends.validate(streamId, expected, events);
        Appends.requireFencingToken(fencingToken);
        return appendValidated(streamId, expected, events, supportsFencing() ? fencingToken : Appends.UNFENCED);
    }

    /**
     * Holds the other writers of {@code streamId} off, through the store, for at most {@code maxHold}: until the
     * hold is closed or {@code maxHold} has passed, appends by anyone else wait (or are retried inside the store)
     * and then go on, so they see latency, never an error and never a lost write. Empty when this store cannot
     * hold writers; a migration then falls back to the in-process write gate of its {@code EventStreams}, which
     * holds only the writers of that process.
     *
     * @param maxHold how long the hold may last at the most; also bounds how long a writer waits
     */
    default Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
        return Optional.empty();
    }

    /**
     * The largest single event the memory and PostgreSQL stores accept: 8 MiB, as {@link #eventBytes} counts it
     * (far below PostgreSQL's own {@code jsonb} limit of 255 MB, so a runaway payload is refused with
     * {@link EventTooLargeException} before it reaches the database or fills the heap).
     */
    long DEFAULT_MAX_EVENT_BYTES = 8L * 1024 * 1024;

    /**
     * The largest single event this store can append, as {@link #eventBytes} counts it; empty when the store sets no
     * limit of its own. The memory and PostgreSQL stores' is {@link #DEFAULT_MAX_EVENT_BYTES} (refused with
     * {@link EventTooLargeException}), the blob store's {@link dev.es.engine.store.blob.BlobEventStore#MAX_APPEND_BYTES
     * one append block}. A migration's dry run reports the events that exceed it on its target.
     */
    default OptionalLong maxEventBytes() {
        return OptionalLong.empty();
    }

    /**
     * The size of {@code event} as this store counts it against {@link #maxEventBytes()}: by default its payload,
     * metadata keys and values, type and id in UTF-8 bytes; the blob store counts the event's line as it would write
     * it, with the batch trailer of an append of that one event. Reads nothing, writes nothing.
     */
    default long eventBytes(EventData event) {
        long bytes = utf8Length(event.payload()) + utf8Length(event.type()) + utf8Length(event.eventId());
        for (var entry : event.metadata().entrySet()) {
            bytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        return bytes;
    }

    /** The length of {@code text} in UTF-8, without encoding it. */
    private static long utf8Length(@Nullable String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The last event of the stream, or {@code null} when it is empty. */
    default @Nullable StoredEvent lastEvent(String streamId) {
        long version = version(streamId);
        if (version == 0) {
            return null;
        }
        List<StoredEvent> page = read(streamId, version, 1);
        return page.isEmpty() ? null : page.get(page.size() - 1);
    }

    /** The stream's close event when it is closed, else {@code null}. */
    default @Nullable CloseEvent closeEvent(String streamId) {
        StoredEvent last = lastEvent(streamId);
        return last != null && last.isCloseEvent() ? CloseEvent.from(streamId, last) : null;
    }

    /**
     * The stream's events from {@code fromVersion} on, read lazily in pages of {@code pageSize}: only one page is
     * held in memory at a time.
     */
    default java.util.stream.Stream<StoredEvent> stream(String streamId, long fromVersion, int pageSize) {
        return PagedReader.stream(this, streamId, fromVersion, pageSize);
    }
}
