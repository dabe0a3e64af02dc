package dev.es.engine.store.memory;

import dev.es.engine.Identifiers;
import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** The embedded default document store: documents in memory, compare-and-set on a counter etag. */
public final class InMemoryDocumentStore implements DocumentStore {

    private record Key(String objectName, String objectId) {
    }

    private final ConcurrentHashMap<Key, ObjectDocument> documents = new ConcurrentHashMap<>();
    /** The keys in (objectName, objectId) order, for the paged listing; follows {@link #documents}. */
    private final ConcurrentSkipListSet<Key> ordered = new ConcurrentSkipListSet<>(
            Comparator.comparing(Key::objectName).thenComparing(Key::objectId));
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
        ordered.add(key(document.objectName(), document.objectId()));
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
        ordered.remove(key);
    }

    @Override
    public List<String> objectIds(String objectName, @Nullable String after, int limit) {
        Identifiers.requireObjectName(objectName);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        // "" sorts before every id, so (name, "") starts the name's range
        Key from = new Key(objectName, after == null ? "" : after);
        List<String> page = new ArrayList<>(Math.min(limit, 1024));
        for (Key k : ordered.tailSet(from, after == null)) {
            if (!k.objectName().equals(objectName) || page.size() == limit) {
                break;
            }
            page.add(k.objectId());
        }
        return page;
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
