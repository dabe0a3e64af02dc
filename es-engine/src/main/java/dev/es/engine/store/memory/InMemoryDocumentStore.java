package dev.es.engine.store.memory;

import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The embedded default document store: documents in memory, compare-and-set on a counter etag. */
public final class InMemoryDocumentStore implements DocumentStore {

    private record Key(String objectName, String objectId) {
    }

    private final ConcurrentHashMap<Key, ObjectDocument> documents = new ConcurrentHashMap<>();
    private final AtomicLong etags = new AtomicLong();

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        return Optional.ofNullable(documents.get(key(objectName, objectId)));
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        ObjectDocument stored = document.withEtag(nextEtag());
        if (documents.putIfAbsent(key(document.objectName(), document.objectId()), stored) != null) {
            throw new DocumentConcurrencyException(document.objectName(), document.objectId(), null);
        }
        return stored;
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        Objects.requireNonNull(document, "document");
        Key key = key(document.objectName(), document.objectId());
        ObjectDocument stored = document.withEtag(nextEtag());
        ObjectDocument result = documents.computeIfPresent(key,
                (k, current) -> Objects.equals(current.etag(), document.etag()) ? stored : current);
        if (result != stored) {
            throw new DocumentConcurrencyException(document.objectName(), document.objectId(), document.etag(), false);
        }
        return stored;
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        Key key = key(objectName, objectId);
        ObjectDocument current = documents.get(key);
        if (current == null) {
            return;
        }
        if (!Objects.equals(current.etag(), etag) || !documents.remove(key, current)) {
            throw new DocumentConcurrencyException(objectName, objectId, etag, false);
        }
    }

    @Override
    public List<String> objectIds(String objectName) {
        Identifiers.requireObjectName(objectName);
        return documents.keySet().stream().filter(k -> k.objectName().equals(objectName)).map(Key::objectId).toList();
    }

    @Override
    public List<String> objectNames() {
        return documents.keySet().stream().map(Key::objectName).distinct().toList();
    }

    private static Key key(String objectName, String objectId) {
        return new Key(Identifiers.requireObjectName(objectName), Identifiers.requireObjectId(objectId));
    }

    private String nextEtag() {
        return "m" + etags.incrementAndGet();
    }
}
