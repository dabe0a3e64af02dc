package dev.es.engine.store.blob;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import dev.es.engine.Identifiers;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.tag.TagStore;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Tag indexes as empty marker blobs, one per (tag, member) in each direction, found by listing a prefix:
 * <ul>
 * <li>{@code <prefix>/documents-by-tag/<tag>/<objectName>/<objectId>} and
 * {@code <prefix>/tags-by-document/<objectName>/<objectId>/<tag>};</li>
 * <li>{@code <prefix>/streams-by-tag/<tag>/<store>/<streamId>} and
 * {@code <prefix>/tags-by-stream/<store>/<streamId>/<tag>}.</li>
 * </ul>
 * No blob is read, changed and written back, so concurrent taggers in any number of processes never lose each
 * other's tags; tagging and untagging are idempotent. The two directions are written one after the other: a crash in
 * between leaves one direction behind, and repeating the call repairs it.
 */
public final class BlobTagStore implements TagStore {

    private static final BinaryData EMPTY = BinaryData.fromBytes(new byte[0]);

    private final BlobContainerClient container;
    private final String prefix;

    /** A store with its indexes under {@code tags/}. */
    public BlobTagStore(BlobContainerClient container) {
        this(container, "tags");
    }

    public BlobTagStore(BlobContainerClient container, String prefix) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Blobs.requirePrefix(prefix, 20 + 2 * Identifiers.MAX_NAME_LENGTH
                + Identifiers.MAX_STREAM_ID_LENGTH + 3);
    }

    @Override
    public void tagDocument(String objectName, String objectId, String tag) {
        checkDocument(objectName, objectId, tag);
        mark(prefix + "/documents-by-tag/" + tag + "/" + objectName + "/" + objectId);
        mark(prefix + "/tags-by-document/" + objectName + "/" + objectId + "/" + tag);
    }

    @Override
    public void untagDocument(String objectName, String objectId, String tag) {
        checkDocument(objectName, objectId, tag);
        container.getBlobClient(prefix + "/documents-by-tag/" + tag + "/" + objectName + "/" + objectId)
                .deleteIfExists();
        container.getBlobClient(prefix + "/tags-by-document/" + objectName + "/" + objectId + "/" + tag)
                .deleteIfExists();
    }

    @Override
    public Set<String> documentsWithTag(String objectName, String tag) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireTag(tag);
        return lastSegments(prefix + "/documents-by-tag/" + tag + "/" + objectName + "/");
    }

    @Override
    public Set<String> tagsOfDocument(String objectName, String objectId) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        return lastSegments(prefix + "/tags-by-document/" + objectName + "/" + objectId + "/");
    }

    @Override
    public void tagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        Identifiers.requireTag(tag);
        mark(prefix + "/streams-by-tag/" + tag + "/" + stream.store() + "/" + stream.streamId());
        mark(prefix + "/tags-by-stream/" + stream.store() + "/" + stream.streamId() + "/" + tag);
    }

    @Override
    public void untagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        Identifiers.requireTag(tag);
        container.getBlobClient(prefix + "/streams-by-tag/" + tag + "/" + stream.store() + "/" + stream.streamId())
                .deleteIfExists();
        container.getBlobClient(prefix + "/tags-by-stream/" + stream.store() + "/" + stream.streamId() + "/" + tag)
                .deleteIfExists();
    }

    @Override
    public Set<StreamPointer> streamsWithTag(String tag) {
        Identifiers.requireTag(tag);
        String dir = prefix + "/streams-by-tag/" + tag + "/";
        Set<StreamPointer> streams = new HashSet<>();
        for (String name : Blobs.names(container, dir)) {
            String[] parts = name.substring(dir.length()).split("/");
            if (parts.length == 2) {
                streams.add(new StreamPointer(parts[1], parts[0]));
            }
        }
        return Set.copyOf(streams);
    }

    @Override
    public Set<String> tagsOfStream(StreamPointer stream) {
        Objects.requireNonNull(stream, "stream");
        return lastSegments(prefix + "/tags-by-stream/" + stream.store() + "/" + stream.streamId() + "/");
    }

    private static void checkDocument(String objectName, String objectId, String tag) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        Identifiers.requireTag(tag);
    }

    private void mark(String blobName) {
        container.getBlobClient(blobName).upload(EMPTY, true);
    }

    private Set<String> lastSegments(String dir) {
        Set<String> values = new HashSet<>();
        for (String name : Blobs.names(container, dir)) {
            String rest = name.substring(dir.length());
            if (rest.indexOf('/') < 0) {
                values.add(rest);
            }
        }
        return Set.copyOf(values);
    }
}
