package dev.es.engine.resilience;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * A store call refused without being made: the store's circuit breaker is open, because too many of its recent calls
 * failed transiently. {@link ErrorCategory#TRANSIENT}: the breaker lets calls through again after its wait.
 */
public class StoreUnavailableException extends EsException {

    private final String store;

    public StoreUnavailableException(String store, Throwable cause) {
        super("Store '" + store + "' is unavailable: its circuit breaker is open after repeated transient failures"
                + " (es.resilience.circuit-breaker); " + cause.getMessage(), cause);
        this.store = store;
    }

    /** The store whose breaker is open. */
    public String store() {
        return store;
    }

    /** {@link ErrorCategory#TRANSIENT}: the store may answer again later. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
