package dev.es.engine.store;

import dev.es.engine.Identifiers;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;

/** Checks every store makes before an append, so that all stores refuse the same bad input the same way. */
public final class Appends {

    /** The token stores use internally for an append made without one: it passes any fence. */
    public static final long UNFENCED = -1;

    private Appends() {
    }

    /** Validates the stream id and the batch: not empty, no duplicate event id, a close event only last. */
    public static void validate(String streamId, ExpectedVersion expected, List<EventData> events) {
        Identifiers.requireStreamId(streamId);
        Objects.requireNonNull(expected, "expected version");
        if (expected.stream() != null && !streamId.equals(expected.stream().streamId())) {
            throw new IllegalArgumentException("The expected version " + expected + " was read from another stream"
                    + " than '" + streamId + "'");
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidEventException("An append to stream '" + streamId + "' needs at least one event");
        }
        Set<String> ids = new HashSet<>(events.size() * 2);
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            if (event == null) {
                throw new InvalidEventException("Event " + i + " of the append to stream '" + streamId + "' is null");
            }
            if (!ids.add(event.eventId())) {
                throw new InvalidEventException("Event id " + event.eventId() + " appears twice in one append to stream '"
                        + streamId + "'");
            }
            if (event.isCloseEvent()) {
                if (i != events.size() - 1) {
                    throw new InvalidEventException("A close event must be the last event of an append (stream '"
                            + streamId + "')");
                }
                CloseEvent.fromPayload(event.payload()); // a close no reader could follow is refused, not stored
            }
        }
    }

    /**
     * Refuses an event larger than {@code store}'s {@link EventStore#maxEventBytes() limit}, before anything is
     * written; a store without a limit accepts any size. For stores that count sizes with {@link EventStore}'s
     * default {@link EventStore#eventBytes eventBytes} (memory, PostgreSQL): an event whose strings are short enough
     * that even three UTF-8 bytes per character stay within the limit is not counted byte by byte, so an ordinary
     * append does not walk its payload here.
     *
     * @throws EventTooLargeException naming the first event above the limit
     */
    public static void checkEventSizes(EventStore store, String streamId, List<EventData> events) {
        OptionalLong limit = store.maxEventBytes();
        if (limit.isEmpty()) {
            return;
        }
        for (EventData event : events) {
            if (3 * chars(event) <= limit.getAsLong()) {
                continue; // a UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4)
            }
            long bytes = store.eventBytes(event);
            if (bytes > limit.getAsLong()) {
                throw new EventTooLargeException(streamId, event.eventId(), bytes, limit.getAsLong());
            }
        }
    }

    /** The characters of the strings {@link EventStore#eventBytes}'s default counts. */
    private static long chars(EventData event) {
        long chars = (long) event.payload().length() + event.type().length() + event.eventId().length();
        for (var entry : event.metadata().entrySet()) {
            chars += entry.getKey().length() + entry.getValue().length();
        }
        return chars;
    }

    /** Validates a fencing token: 0 or more (a stream's fence starts at 0). */
    public static long requireFencingToken(long token) {
        if (token < 0) {
            throw new IllegalArgumentException("A fencing token must not be negative, was " + token);
        }
        return token;
    }

    /**
     * Refuses a fenced append when the stream's fence is above its token; {@link #UNFENCED} passes any fence.
     *
     * @throws StaleFencingTokenException when {@code fence > token}
     */
    public static void checkFence(String streamId, long token, long fence) {
        if (token != UNFENCED && fence > token) {
            throw new StaleFencingTokenException(streamId, token, fence);
        }
    }

    /** Validates the arguments of {@link EventStore#read}. */
    public static void validateRead(String streamId, long fromVersion, int maxCount) {
        Identifiers.requireStreamId(streamId);
        if (fromVersion < 1) {
            throw new InvalidVersionException("fromVersion", fromVersion, "versions are 1-based");
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be 1 or more, was " + maxCount);
        }
    }

    /**
     * Looks for a retried batch where its earlier attempt would have put it: right after
     * {@link ExpectedVersion#retryPosition()}. Reads only that many events, so the cost follows the batch, not the
     * stream. Called when the stream is at {@code current}; does nothing when the condition names no position or the
     * stream has not moved past it (then the earlier attempt did not go through).
     *
     * @param store the store to read the stream from
     * @return the answer for a batch found whole at that position ({@code alreadyWritten}), or {@code null} when none
     *         of it is there
     * @throws DuplicateEventIdException when only a part of the batch is there
     */
    public static AppendResult retriedAt(EventStore store, String streamId, ExpectedVersion expected,
                                         List<EventData> events, long current) {
        long position = expected.retryPosition();
        if (position < 0 || current <= position) {
            return null;
        }
        Map<String, Long> found = new HashMap<>(events.size() * 2);
        for (StoredEvent e : store.read(streamId, position + 1, events.size())) {
            found.put(e.eventId(), e.version());
        }
        long last = alreadyWritten(streamId, events, id -> found.getOrDefault(id, -1L));
        return last < 0 ? null : new AppendResult(streamId, store.name(), last - events.size(), last, true);
    }

    /**
     * Decides whether a batch was already written, given where the stream holds each event id
     * ({@code versionOf} answers -1 for ids it does not hold).
     *
     * @return the version of the batch's last event when the whole batch is already there in order, or -1 when none
     *         of it is
     * @throws DuplicateEventIdException when only a part of the batch is there
     */
    public static long alreadyWritten(String streamId, List<EventData> events, ToLongFunction<String> versionOf) {
        long first = versionOf.applyAsLong(events.get(0).eventId());
        if (first < 0) {
            for (EventData event : events) {
                long at = versionOf.applyAsLong(event.eventId());
                if (at >= 0) {
                    throw new DuplicateEventIdException(streamId, event.eventId(), at);
                }
            }
            return -1;
        }
        for (int i = 1; i < events.size(); i++) {
            long at = versionOf.applyAsLong(events.get(i).eventId());
            if (at != first + i) {
                throw new DuplicateEventIdException(streamId, events.get(0).eventId(), first);
            }
        }
        return first + events.size() - 1;
    }
}
