package dev.es.engine.event;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** An event that cannot be stored as given: missing type, payload that is not JSON, duplicate id in one batch, and so on. */
public class InvalidEventException extends EsException {

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
