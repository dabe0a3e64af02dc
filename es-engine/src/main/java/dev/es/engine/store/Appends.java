package dev.es.engine.store;

import dev.es.engine.Identifiers;
import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

/** Checks every store makes before an append, so that all stores refuse the same bad input the same way. */
public final class Appends {

    private Appends() {
    }

    /** Validates the stream id and the batch: not empty, no duplicate event id, a close event only last. */
    public static void validate(String streamId, ExpectedVersion expected, List<EventData> events) {
        Identifiers.requireStreamId(streamId);
        Objects.requireNonNull(expected, "expected version");
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
            if (event.isCloseEvent() && i != events.size() - 1) {
                throw new InvalidEventException("A close event must be the last event of an append (stream '"
                        + streamId + "')");
            }
        }
    }

    /** Validates the arguments of {@link EventStore#read}. */
    public static void validateRead(String streamId, long fromVersion, int maxCount) {
        Identifiers.requireStreamId(streamId);
        if (fromVersion < 1) {
            throw new IllegalArgumentException("fromVersion is 1-based, was " + fromVersion);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be 1 or more, was " + maxCount);
        }
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
