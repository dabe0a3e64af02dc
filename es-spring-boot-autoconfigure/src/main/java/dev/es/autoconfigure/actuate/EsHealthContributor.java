package dev.es.autoconfigure.actuate;

import dev.es.engine.backup.BackupStorage;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health contributor {@code es}, a composite as Spring Boot's own {@code db} contributor is: {@code stores} with one
 * indicator per configured store ({@code /actuator/health/es/stores/main}), {@code documents} (the document store)
 * and {@code locks} (the lock provider), and, with a backup service, {@code backups} with one indicator per backup
 * storage ({@code /actuator/health/es/backups/file}). Each indicator is UP when its part is reachable, DOWN when it is
 * not or its check fails.
 */
public final class EsHealthContributor implements CompositeHealthContributor {

    private final CompositeHealthContributor delegate;

    public EsHealthContributor(EventStoreRegistry stores, DocumentStore documents, DistributedLockProvider locks) {
        this(stores, documents, locks, List.of());
    }

    /** With {@code backups}, the storages of the backup service (none: no {@code backups} part). */
    public EsHealthContributor(EventStoreRegistry stores, DocumentStore documents, DistributedLockProvider locks,
                               List<BackupStorage> backups) {
        Map<String, HealthContributor> byStore = new LinkedHashMap<>();
        for (EventStore store : stores.all()) {
            byStore.put(store.name(), reachable(store::isReachable));
        }
        Map<String, HealthContributor> parts = new LinkedHashMap<>();
        parts.put("stores", CompositeHealthContributor.fromMap(byStore));
        parts.put("documents", reachable(documents::isReachable));
        parts.put("locks", reachable(locks::isReachable));
        if (!backups.isEmpty()) {
            Map<String, HealthContributor> byStorage = new LinkedHashMap<>();
            backups.forEach(storage -> byStorage.put(storage.name(), reachable(storage::isReachable)));
            parts.put("backups", CompositeHealthContributor.fromMap(byStorage));
        }
        this.delegate = CompositeHealthContributor.fromMap(parts);
    }

    @Override
    public HealthContributor getContributor(String name) {
        return delegate.getContributor(name);
    }

    @Override
    public Stream<Entry> stream() {
        return delegate.stream();
    }

    private static HealthIndicator reachable(BooleanSupplier check) {
        return () -> {
            try {
                return check.getAsBoolean() ? Health.up().build() : Health.down().build();
            } catch (RuntimeException e) {
                return Health.down(e).build();
            }
        };
    }
}
