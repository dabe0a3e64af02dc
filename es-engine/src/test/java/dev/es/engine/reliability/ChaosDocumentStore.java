package dev.es.engine.reliability;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real document store and injects {@link TransientFaults}: before a call (it did nothing) and, for writes,
 * after it (it took effect, the caller hears of a failure).
 */
final class ChaosDocumentStore implements DocumentStore {

    private final DocumentStore delegate;
    private final TransientFaults faults;

    ChaosDocumentStore(DocumentStore delegate, long seed) {
        this.delegate = delegate;
        this.faults = new TransientFaults(seed);
    }

    void heal() {
        faults.heal();
    }

    int injected() {
        return faults.injected();
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        faults.before("reading document " + objectName + "/" + objectId);
        return delegate.get(objectName, objectId);
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        return faults.around("creating a document", () -> delegate.create(document));
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        return faults.around("updating a document", () -> delegate.update(document));
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        faults.around("deleting a document", () -> {
            delegate.delete(objectName, objectId, etag);
            return null;
        });
    }

    @Override
    public List<String> objectIds(String objectName) {
        faults.before("listing documents");
        return delegate.objectIds(objectName);
    }

    @Override
    public List<String> objectIds(String objectName, @Nullable String after, int limit) {
        faults.before("listing documents");
        return delegate.objectIds(objectName, after, limit);
    }

    @Override
    public List<String> objectNames() {
        return delegate.objectNames();
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
