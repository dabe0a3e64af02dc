package dev.es.engine;

/**
 * Base class of every exception the es engine throws on purpose; all are unchecked and carry their data as fields,
 * and each says its {@link #category()}.
 */
public class EsException extends RuntimeException {

    public EsException(String message) {
        super(message);
    }

    public EsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What kind of failure this is; {@link ErrorCategory#FAILURE} unless a subclass says otherwise. */
    public ErrorCategory category() {
        return ErrorCategory.FAILURE;
    }
}
