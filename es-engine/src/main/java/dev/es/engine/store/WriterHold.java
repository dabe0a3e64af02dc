package dev.es.engine.store;

import dev.es.engine.event.EventData;
import java.util.List;

/**
 * A short, bounded hold on the other writers of one stream, taken through the store itself so that it holds the
 * writers of every process: while it lasts, the holder's appends go through and everyone else's wait (or are
 * retried by the store) and then go on, never failing because of the hold. A migration takes one for its last copy
 * and its close, so that the close always wins against busy writers (the close that always wins, design section
 * 10). Obtained from {@link EventStore#holdWriters}.
 */
public interface WriterHold extends AutoCloseable {

    /** The stream held. */
    String streamId();

    /**
     * Appends as the holder while the others wait: the contract of
     * {@link EventStore#append(String, ExpectedVersion, List, long)}, on the held stream.
     *
     * @throws WriterHoldExpiredException the hold ran out (its {@code maxHold} passed) before this append; nothing
     *                                    written
     */
    default AppendResult append(ExpectedVersion expected, List<EventData> events, long fencingToken) {
        Appends.validate(streamId(), expected, events);
        Appends.requireFencingToken(fencingToken);
        return appendValidated(expected, events, fencingToken);
    }

    /** The hold's own append, its arguments checked by {@link #append}: as {@link EventStore#appendValidated}. */
    AppendResult appendValidated(ExpectedVersion expected, List<EventData> events, long fencingToken);

    /** Lifts the hold: the waiting writers go on (onto the continuation when a close was appended). Idempotent. */
    @Override
    void close();
}
