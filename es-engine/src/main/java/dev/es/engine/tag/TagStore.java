package dev.es.engine.tag;

import dev.es.engine.document.StreamPointer;
import java.util.Set;

/**
 * The index of document tags and stream tags: "which documents of this object name carry tag T",
 * "which streams carry tag T". Adding and removing are idempotent and safe under concurrent taggers.
 */
public interface TagStore {

    void tagDocument(String objectName, String objectId, String tag);

    void untagDocument(String objectName, String objectId, String tag);

    /** The ids of the documents of {@code objectName} that carry {@code tag}. */
    Set<String> documentsWithTag(String objectName, String tag);

    /** The tags of one document. */
    Set<String> tagsOfDocument(String objectName, String objectId);

    void tagStream(StreamPointer stream, String tag);

    void untagStream(StreamPointer stream, String tag);

    /** The streams, in every store, that carry {@code tag}. */
    Set<StreamPointer> streamsWithTag(String tag);

    /** The tags of one stream. */
    Set<String> tagsOfStream(StreamPointer stream);
}
