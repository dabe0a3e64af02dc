package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import dev.es.engine.event.CloseEvent;

/** The stream is closed: it refuses appends, and names its continuation when it has one. Nothing was written. */
public class EventStreamClosedException extends EsException {

    private final String streamId;
    private final CloseEvent close;

    public EventStreamClosedException(String streamId, CloseEvent close) {
        super("Stream '" + streamId + "' is closed" + (close.hasContinuation()
                ? " and continues in stream '" + close.continuationStreamId() + "' of store '"
                + close.continuationStore() + "'"
                : " and has no continuation") + (close.reason() == null ? "" : " (" + close.reason() + ")"));
        this.streamId = streamId;
        this.close = close;
    }

    public String streamId() {
        return streamId;
    }

    public boolean hasContinuation() {
        return close.hasContinuation();
    }

    public String continuationStreamId() {
        return close.continuationStreamId();
    }

    public String continuationStore() {
        return close.continuationStore();
    }

    /** The whole close record, with the versions an exact expected version carries over with. */
    public CloseEvent close() {
        return close;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
