package dev.es.engine.document;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
     * One page of the ids of the documents of {@code objectName}, in ascending {@link String#compareTo} order: those
     * after {@code after} ({@code null}: from the first), at most {@code limit}. Walking page after page (each
     * starting after the last id of the one before) visits every document that existed throughout the walk once,
     * without holding all ids: bulk migrations stream documents this way. The default sorts {@link #objectIds}
     * (memory grows with the number of ids); a store that can should answer from an ordered index (JDBC does).
     */
    default List<String> objectIds(String objectName, @Nullable String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        return objectIds(objectName).stream()
                .filter(id -> after == null || id.compareTo(after) > 0)
                .sorted()
                .limit(limit)
                .toList();
    }

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
