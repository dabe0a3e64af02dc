package dev.es.engine.aggregate;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/** {@link AggregateRepository#load} of an object that has no document. */
public class AggregateNotFoundException extends EsException {

    private final String objectName;
    private final String objectId;

    public AggregateNotFoundException(String objectName, String objectId) {
        super("No " + objectName + " with id '" + objectId + "' exists");
        this.objectName = objectName;
        this.objectId = objectId;
    }

    public String objectName() {
        return objectName;
    }

    public String objectId() {
        return objectId;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
