package dev.es.engine.document;

import java.util.List;
import java.util.Optional;

/** The store of object documents. Writes are compare-and-set on the etag. */
public interface DocumentStore {

    /** The document of {@code (objectName, objectId)}, with its current etag. */
    Optional<ObjectDocument> get(String objectName, String objectId);

    /**
     * Stores a new document.
     *
     * @return the document with its etag
     * @throws DocumentConcurrencyException when a document with that key exists
     */
    ObjectDocument create(ObjectDocument document);

    /**
     * Replaces the document if its current etag is {@code document.etag()}.
     *
     * @return the document with its new etag
     * @throws DocumentConcurrencyException when the etag is stale or the document is gone
     */
    ObjectDocument update(ObjectDocument document);

    /**
     * Deletes the document if its current etag is {@code etag}.
     *
     * @throws DocumentConcurrencyException when the etag is stale
     */
    void delete(String objectName, String objectId, String etag);

    /** The ids of the documents of {@code objectName}, in no set order. */
    List<String> objectIds(String objectName);

    /**
     * The object names that have at least one document, in no set order; with {@link #objectIds(String)} it walks
     * every document (backups and migrations of a whole store do). A store that cannot list them throws
     * {@link UnsupportedOperationException}.
     */
    default List<String> objectNames() {
        throw new UnsupportedOperationException("Document store " + getClass().getSimpleName()
                + " cannot list its object names");
    }

    /** Whether the store can be reached; used by health checks. */
    default boolean isReachable() {
        return true;
    }
}
