package dev.es.engine.lock;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import java.time.Duration;

/** The lock on a key was held by someone else for longer than the caller would wait. */
public class LockAcquisitionTimeoutException extends EsException {

    private final String key;
    private final Duration waited;

    public LockAcquisitionTimeoutException(String key, Duration waited) {
        super("Lock '" + key + "' is held by another owner; gave up after " + waited);
        this.key = key;
        this.waited = waited;
    }

    public String key() {
        return key;
    }

    public Duration waited() {
        return waited;
    }

    /** {@link ErrorCategory#TRANSIENT}: trying again may work. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
