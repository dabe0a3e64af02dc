package dev.es.engine.migration;

import dev.es.engine.resilience.StoreResilience;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The migration service's routing table: every call is tried again on transient errors, through the service's
 * current {@link StoreResilience} (the breaker of the documents and routing calls), whoever makes it: a run, the
 * launch, a bulk run, a rollback, the orphan settler, a dry run.
 */
final class ResilientRoutingTable implements MigrationRoutingTable {

    private final MigrationRoutingTable delegate;
    private final Supplier<StoreResilience> resilience;

    ResilientRoutingTable(MigrationRoutingTable delegate, Supplier<StoreResilience> resilience) {
        this.delegate = delegate;
        this.resilience = resilience;
    }

    private <T> T call(Supplier<T> call) {
        return resilience.get().call(MigrationRun.DOCUMENTS, call);
    }

    @Override
    public boolean save(MigrationEntry entry) {
        return call(() -> delegate.save(entry));
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        return call(() -> delegate.get(migrationId));
    }

    @Override
    public List<MigrationEntry> active() {
        return call(delegate::active);
    }

    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        return call(() -> delegate.forObject(objectName, objectId));
    }

    @Override
    public List<MigrationEntry> all() {
        return call(delegate::all);
    }

    @Override
    public void delete(String migrationId) {
        call(() -> {
            delegate.delete(migrationId);
            return null;
        });
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
