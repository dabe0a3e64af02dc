package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** The stream was not at the version an append expected; nothing was written. */
public class WrongExpectedVersionException extends EsException {

    private final String streamId;
    private final ExpectedVersion expected;
    private final long actual;

    public WrongExpectedVersionException(String streamId, ExpectedVersion expected, long actual) {
        super("Stream '" + streamId + "' is at version " + actual + ", the append expected " + expected);
        this.streamId = streamId;
        this.expected = expected;
        this.actual = actual;
    }

    public String streamId() {
        return streamId;
    }

    public ExpectedVersion expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
