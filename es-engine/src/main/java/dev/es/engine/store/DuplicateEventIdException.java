package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * An append mixing event ids the stream already holds with new ones. A whole batch re-appended is an idempotent
 * no-op; a batch that only partly repeats an earlier one is refused and nothing is written.
 */
public class DuplicateEventIdException extends EsException {

    private final String streamId;
    private final String eventId;

    public DuplicateEventIdException(String streamId, String eventId, long existingVersion) {
        super("Stream '" + streamId + "' already holds event " + eventId + " at version " + existingVersion
                + ", but the rest of the batch is not the batch it was written with");
        this.streamId = streamId;
        this.eventId = eventId;
    }

    public String streamId() {
        return streamId;
    }

    public String eventId() {
        return eventId;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
