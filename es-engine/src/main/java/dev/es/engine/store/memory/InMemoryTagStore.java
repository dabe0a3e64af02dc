package dev.es.engine.store.memory;

import dev.es.engine.Identifiers;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.tag.TagStore;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded default tag store: concurrent set indexes in memory. */
public final class InMemoryTagStore implements TagStore {

    private record DocKey(String objectName, String objectId) {
    }

    private final Map<String, Set<DocKey>> documentsByTag = new ConcurrentHashMap<>();
    private final Map<DocKey, Set<String>> tagsByDocument = new ConcurrentHashMap<>();
    private final Map<String, Set<StreamPointer>> streamsByTag = new ConcurrentHashMap<>();
    private final Map<StreamPointer, Set<String>> tagsByStream = new ConcurrentHashMap<>();

    @Override
    public void tagDocument(String objectName, String objectId, String tag) {
        DocKey key = docKey(objectName, objectId);
        Identifiers.requireTag(tag);
        documentsByTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(key);
        tagsByDocument.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(tag);
    }

    @Override
    public void untagDocument(String objectName, String objectId, String tag) {
        DocKey key = docKey(objectName, objectId);
        Identifiers.requireTag(tag);
        documentsByTag.getOrDefault(tag, Set.of()).remove(key);
        tagsByDocument.getOrDefault(key, Set.of()).remove(tag);
    }

    @Override
    public Set<String> documentsWithTag(String objectName, String tag) {
        Identifiers.requireObjectName(objectName);
        Identifiers.requireTag(tag);
        return documentsByTag.getOrDefault(tag, Set.of()).stream().filter(k -> k.objectName().equals(objectName))
                .map(DocKey::objectId).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public Set<String> tagsOfDocument(String objectName, String objectId) {
        return Set.copyOf(tagsByDocument.getOrDefault(docKey(objectName, objectId), Set.of()));
    }

    @Override
    public void tagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        Identifiers.requireTag(tag);
        streamsByTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(stream);
        tagsByStream.computeIfAbsent(stream, s -> ConcurrentHashMap.newKeySet()).add(tag);
    }

    @Override
    public void untagStream(StreamPointer stream, String tag) {
        Objects.requireNonNull(stream, "stream");
        Identifiers.requireTag(tag);
        streamsByTag.getOrDefault(tag, Set.of()).remove(stream);
        tagsByStream.getOrDefault(stream, Set.of()).remove(tag);
    }

    @Override
    public Set<StreamPointer> streamsWithTag(String tag) {
        Identifiers.requireTag(tag);
        return Set.copyOf(streamsByTag.getOrDefault(tag, Set.of()));
    }

    @Override
    public Set<String> tagsOfStream(StreamPointer stream) {
        return Set.copyOf(tagsByStream.getOrDefault(stream, Set.of()));
    }

    private static DocKey docKey(String objectName, String objectId) {
        return new DocKey(Identifiers.requireObjectName(objectName), Identifiers.requireObjectId(objectId));
    }
}
