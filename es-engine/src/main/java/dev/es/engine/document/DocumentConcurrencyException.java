package dev.es.engine.document;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import org.jspecify.annotations.Nullable;

/** A document update made with an etag that is no longer current (or a create of a document that exists). */
public class DocumentConcurrencyException extends EsException {

    private final String objectName;
    private final String objectId;
    private final @Nullable String expectedEtag;

    public DocumentConcurrencyException(String objectName, String objectId, @Nullable String expectedEtag) {
        this(objectName, objectId, expectedEtag, expectedEtag == null);
    }

    /**
     * @param creating whether the failed write was a create of a document that exists (otherwise an update or delete
     *                 whose etag is stale, or of a document that is gone)
     */
    public DocumentConcurrencyException(String objectName, String objectId, @Nullable String expectedEtag,
                                        boolean creating) {
        super(creating
                ? "Document " + objectName + "/" + objectId + " already exists"
                : "Document " + objectName + "/" + objectId + " changed since it was read (etag " + expectedEtag
                        + " is stale or the document is gone)");
        this.objectName = objectName;
        this.objectId = objectId;
        this.expectedEtag = expectedEtag;
    }

    public String objectName() {
        return objectName;
    }

    public String objectId() {
        return objectId;
    }

    /** The etag the update was made with; {@code null} for a create. */
    public @Nullable String expectedEtag() {
        return expectedEtag;
    }

    /** {@link ErrorCategory#CONFLICT}: the state moved or forbids it. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONFLICT;
    }
}
