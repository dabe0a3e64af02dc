package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** An append under a {@link WriterHold} that came after the hold ran out; nothing was written. */
public class WriterHoldExpiredException extends EsException {

    private final String streamId;

    public WriterHoldExpiredException(String streamId, String detail) {
        super("The hold on the writers of stream '" + streamId + "' ran out" + (detail == null ? "" : ": " + detail)
                + "; nothing was written");
        this.streamId = streamId;
    }

    public String streamId() {
        return streamId;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
