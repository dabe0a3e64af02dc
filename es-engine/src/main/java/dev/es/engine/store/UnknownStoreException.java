package dev.es.engine.store;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import java.util.Collection;

/** A store name that no configured store has. */
public class UnknownStoreException extends EsException {

    private final String storeName;

    public UnknownStoreException(String storeName, Collection<String> known) {
        super("No event store is named '" + storeName + "'; configured stores: " + known);
        this.storeName = storeName;
    }

    public String storeName() {
        return storeName;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
