package dev.es.autoconfigure.actuate;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Health contributor {@code es}: every configured store, the document store and the lock provider reachable. */
public class EsHealthIndicator extends AbstractHealthIndicator {

    private final EventStoreRegistry stores;
    private final DocumentStore documents;
    private final DistributedLockProvider locks;

    public EsHealthIndicator(EventStoreRegistry stores, DocumentStore documents, DistributedLockProvider locks) {
        super("es health check failed");
        this.stores = stores;
        this.documents = documents;
        this.locks = locks;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (EventStore store : stores.all()) {
            boolean reachable = reachable(store::isReachable);
            builder.withDetail("store." + store.name(), reachable ? "UP" : "DOWN");
            up &= reachable;
        }
        boolean docs = reachable(documents::isReachable);
        builder.withDetail("documents", docs ? "UP" : "DOWN");
        boolean lockProvider = reachable(locks::isReachable);
        builder.withDetail("locks", lockProvider ? "UP" : "DOWN");
        up &= docs && lockProvider;
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }

    private static boolean reachable(java.util.function.BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
