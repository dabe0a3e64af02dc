package dev.es.engine.lock;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** Work under a lock found the lock no longer valid (its lease expired or was taken over) and stopped. */
public class LockLostException extends EsException {

    private final String key;

    public LockLostException(String key) {
        super("Lock '" + key + "' was lost (lease expired or taken over); stopped before the next write");
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
