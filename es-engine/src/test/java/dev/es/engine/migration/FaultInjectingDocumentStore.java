package dev.es.engine.migration;

import dev.es.engine.document.DocumentConcurrencyException;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Wraps a real document store and fails the Nth update, for crash tests, or the reads made while a condition holds;
 * or runs an action just before chosen updates reach the store (another writer changing the document in between),
 * counting the updates the store then refused as stale.
 */
public final class FaultInjectingDocumentStore implements DocumentStore {

    private final DocumentStore delegate;
    private final AtomicInteger failUpdate = new AtomicInteger(-1);
    private final AtomicInteger staleUpdates = new AtomicInteger();
    private volatile Predicate<ObjectDocument> interceptWhen = d -> false;
    private volatile Runnable interception = () -> { };
    private volatile BooleanSupplier failGets = () -> false;
    private final ThreadLocal<Boolean> intercepting = ThreadLocal.withInitial(() -> false);

    public FaultInjectingDocumentStore(DocumentStore delegate) {
        this.delegate = delegate;
    }

    /** Fails every read made while {@code when} holds (checked on the reading thread). */
    public void failGetsWhile(BooleanSupplier when) {
        failGets = when;
    }

    /** Fails the {@code nth} update from now, before it is written. */
    public void failUpdate(int nth) {
        failUpdate.set(nth);
    }

    /**
     * Runs {@code action} just before each update whose new document matches {@code when} reaches the store (not
     * for the updates {@code action} makes itself): what another process changing the document in between would do.
     */
    public void beforeUpdate(Predicate<ObjectDocument> when, Runnable action) {
        interception = action;
        interceptWhen = when;
    }

    /** How many updates the store refused with {@link DocumentConcurrencyException}. */
    public int staleUpdates() {
        return staleUpdates.get();
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        if (failGets.getAsBoolean()) {
            throw new IllegalStateException("injected fault: document read failed");
        }
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
        if (!intercepting.get() && interceptWhen.test(document)) {
            intercepting.set(true);
            try {
                interception.run();
            } finally {
                intercepting.set(false);
            }
        }
        try {
            return delegate.update(document);
        } catch (DocumentConcurrencyException stale) {
            staleUpdates.incrementAndGet();
            throw stale;
        }
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
