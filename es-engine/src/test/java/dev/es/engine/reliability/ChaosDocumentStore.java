package dev.es.engine.reliability;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.document.ObjectDocument;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a real document store and injects transient failures ({@link ChaosRoutingTable.InjectedTransientFault}),
 * drawn from a seeded {@link Random}: before a call (it did nothing) and, for writes, after it (it took effect, the
 * caller hears of a failure). {@link #heal()} stops them.
 */
final class ChaosDocumentStore implements DocumentStore {

    private final DocumentStore delegate;
    private final Random random;
    private volatile double before;
    private volatile double after;
    private final AtomicInteger injected = new AtomicInteger();

    ChaosDocumentStore(DocumentStore delegate, long seed) {
        this.delegate = delegate;
        this.random = new Random(seed);
        double[] levels = {0, 0.01, 0.03, 0.06};
        this.before = levels[random.nextInt(levels.length)];
        this.after = levels[random.nextInt(levels.length)];
    }

    void heal() {
        before = 0;
        after = 0;
    }

    int injected() {
        return injected.get();
    }

    private void maybeFail(double probability, String what) {
        if (probability <= 0) {
            return;
        }
        boolean fail;
        synchronized (random) {
            fail = random.nextDouble() < probability;
        }
        if (fail) {
            injected.incrementAndGet();
            throw new ChaosRoutingTable.InjectedTransientFault(what);
        }
    }

    private <T> T write(String what, Supplier<T> call) {
        maybeFail(before, "before " + what);
        T done = call.get();
        maybeFail(after, "after " + what);
        return done;
    }

    @Override
    public Optional<ObjectDocument> get(String objectName, String objectId) {
        maybeFail(before, "reading document " + objectName + "/" + objectId);
        return delegate.get(objectName, objectId);
    }

    @Override
    public ObjectDocument create(ObjectDocument document) {
        return write("creating a document", () -> delegate.create(document));
    }

    @Override
    public ObjectDocument update(ObjectDocument document) {
        return write("updating a document", () -> delegate.update(document));
    }

    @Override
    public void delete(String objectName, String objectId, String etag) {
        write("deleting a document", () -> {
            delegate.delete(objectName, objectId, etag);
            return null;
        });
    }

    @Override
    public List<String> objectIds(String objectName) {
        maybeFail(before, "listing documents");
        return delegate.objectIds(objectName);
    }

    @Override
    public List<String> objectIds(String objectName, @Nullable String after, int limit) {
        maybeFail(before, "listing documents");
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
