package dev.es.engine.stream;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import dev.es.engine.document.StreamPointer;

/**
 * An append whose expected version is tied to a stream that is not one of the object's streams (a
 * {@link StreamVersion} read from another object, say): it would write into another object's history, so nothing is
 * written.
 */
public class StreamOfAnotherObjectException extends EsException {

    private final String objectName;
    private final String objectId;
    private final StreamPointer stream;

    public StreamOfAnotherObjectException(String objectName, String objectId, StreamPointer stream,
                                          StreamPointer active) {
        super("The expected version is tied to stream " + stream + ", which is not a stream of " + objectName + "/"
                + objectId + " (its active stream is " + active + "); read the position from this object's handle");
        this.objectName = objectName;
        this.objectId = objectId;
        this.stream = stream;
    }

    public String objectName() {
        return objectName;
    }

    public String objectId() {
        return objectId;
    }

    /** The stream the expected version was tied to. */
    public StreamPointer stream() {
        return stream;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
