package dev.es.engine.document;

import dev.es.engine.Identifiers;
import dev.es.engine.InvalidIdentifierException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The router of one aggregate instance: which stream is active, which streams it used before, and its tags.
 * Documents change only by compare-and-set on the {@code etag} they were read with.
 *
 * @param etag the version tag the store gave this copy; {@code null} for a document not yet stored
 */
public record ObjectDocument(String objectName, String objectId, StreamPointer active,
                             List<TerminatedStream> terminatedStreams, Map<String, String> tags,
                             @Nullable String etag) {

    public ObjectDocument {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireObjectId(objectId);
        Objects.requireNonNull(active, "active stream");
        terminatedStreams = terminatedStreams == null ? List.of() : List.copyOf(terminatedStreams);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A new document whose active stream is {@code active}. */
    public static ObjectDocument create(String objectName, String objectId, StreamPointer active) {
        return new ObjectDocument(objectName, objectId, active, List.of(), Map.of(), null);
    }

    /** This document with {@code etag}. */
    public ObjectDocument withEtag(String newEtag) {
        return new ObjectDocument(objectName, objectId, active, terminatedStreams, tags, newEtag);
    }

    /** This document switched to {@code newActive}, the old active stream recorded as {@code terminated}. */
    public ObjectDocument cutOver(StreamPointer newActive, TerminatedStream terminated) {
        List<TerminatedStream> list = new ArrayList<>(terminatedStreams);
        list.add(terminated);
        return new ObjectDocument(objectName, objectId, newActive, list, tags, etag);
    }

    /**
     * This document with {@code updated} in place of the terminated stream with the same pointer (what book closing
     * records about it).
     *
     * @throws IllegalArgumentException when the document has no such terminated stream
     */
    public ObjectDocument withTerminatedStream(TerminatedStream updated) {
        List<TerminatedStream> list = new ArrayList<>(terminatedStreams);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).pointer().equals(updated.pointer())) {
                list.set(i, updated);
                return new ObjectDocument(objectName, objectId, active, list, tags, etag);
            }
        }
        throw new IllegalArgumentException("The document of " + objectName + "/" + objectId + " has no terminated"
                + " stream " + updated.pointer());
    }

    /** The terminated stream at {@code pointer}, or {@code null} when the document has none there. */
    public @Nullable TerminatedStream terminatedStream(StreamPointer pointer) {
        for (TerminatedStream t : terminatedStreams) {
            if (t.pointer().equals(pointer)) {
                return t;
            }
        }
        return null;
    }

    /** This document with the tag set. */
    public ObjectDocument withTag(String tag, String value) {
        Map<String, String> copy = new LinkedHashMap<>(tags);
        Identifiers.requireTag(tag);
        if (value != null && !Identifiers.isStorableText(value)) {
            throw new InvalidIdentifierException("value of tag '" + tag + "'", Identifiers.printable(value),
                    "must not hold the character U+0000 or a UTF-16 surrogate without its pair, which PostgreSQL"
                            + " cannot store");
        }
        copy.put(tag, value == null ? "" : value);
        return new ObjectDocument(objectName, objectId, active, terminatedStreams, copy, etag);
    }

    /** This document without the tag. */
    public ObjectDocument withoutTag(String tag) {
        Map<String, String> copy = new LinkedHashMap<>(tags);
        copy.remove(tag);
        return new ObjectDocument(objectName, objectId, active, terminatedStreams, copy, etag);
    }

    /** Whether {@code stream} is this document's active stream or one it used before. */
    public boolean knows(StreamPointer stream) {
        return active.equals(stream) || terminatedStreams.stream().anyMatch(t -> t.pointer().equals(stream));
    }
}
