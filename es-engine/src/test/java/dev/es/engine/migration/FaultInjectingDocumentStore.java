package dev.es.engine.migration;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real document store and fails the Nth update, for crash tests. */
public final class FaultInjectingDocumentStore implements DocumentStore {

    private final DocumentStore delegate;
    private final AtomicInteger failUpdate = new AtomicInteger(-1);

    public FaultInjectingDocumentStore(DocumentStore delegate) {
        this.delegate = delegate;
    }

    /** Fails the {@code nth} update from now, before it is written. */
    public void failUpdate(int nth) {
        failUpdate.set(nth);
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        return delegate.get(objectName, objectId);
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        return delegate.create(document);
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        if (failUpdate.get() > 0 && failUpdate.decrementAndGet() == 0) {
            throw new IllegalStateException("injected fault: document save failed");
        }
        return delegate.update(document);
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        delegate.delete(objectName, objectId, etag);
    }

    @Override
    public List<String> objectIds(String objectName) {
        return delegate.objectIds(objectName);
    }
}
