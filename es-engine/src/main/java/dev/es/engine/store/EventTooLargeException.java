package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * An event larger than its store's {@link EventStore#maxEventBytes() limit}. Nothing was written and the store was
 * not asked; make the event smaller (keep large documents outside the event and refer to them).
 */
public class EventTooLargeException extends EsException {

    private final String streamId;
    private final String eventId;
    private final long bytes;
    private final long limit;

    public EventTooLargeException(String streamId, String eventId, long bytes, long limit) {
        super("Event " + eventId + " of the append to stream '" + streamId + "' is " + bytes + " bytes, more than the "
                + limit + " bytes its store accepts for one event; nothing was written");
        this.streamId = streamId;
        this.eventId = eventId;
        this.bytes = bytes;
        this.limit = limit;
    }

    public String streamId() {
        return streamId;
    }

    public String eventId() {
        return eventId;
    }

    /** The event's size as its store counts it ({@link EventStore#eventBytes}). */
    public long bytes() {
        return bytes;
    }

    /** The store's limit ({@link EventStore#maxEventBytes()}). */
    public long limit() {
        return limit;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
