package dev.es.engine.event;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** An event type (name and schema version) or Java class that the {@link EventSerializer} has not been told about. */
public class UnknownEventTypeException extends EsException {

    private final String type;
    private final int schemaVersion;

    public UnknownEventTypeException(String type, int schemaVersion, String message) {
        super(message);
        this.type = type;
        this.schemaVersion = schemaVersion;
    }

    public String type() {
        return type;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
