package dev.es.engine.reliability;

import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationRoutingTable;
import java.util.List;
import java.util.Optional;

/**
 * Wraps a real routing table and injects {@link TransientFaults}: before a call (it did nothing) and, for saves and
 * deletes, after it (it took effect, the caller hears of a failure), as a lost connection would.
 */
final class ChaosRoutingTable implements MigrationRoutingTable {

    private final MigrationRoutingTable delegate;
    private final TransientFaults faults;

    ChaosRoutingTable(MigrationRoutingTable delegate, long seed) {
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
    public boolean save(MigrationEntry entry) {
        return faults.around("saving " + entry.migrationId(), () -> delegate.save(entry));
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        faults.before("reading " + migrationId);
        return delegate.get(migrationId);
    }

    @Override
    public List<MigrationEntry> active() {
        faults.before("reading the active entries");
        return delegate.active();
    }

    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        faults.before("reading the entries of " + objectName + "/" + objectId);
        return delegate.forObject(objectName, objectId);
    }

    @Override
    public List<MigrationEntry> all() {
        faults.before("reading every entry");
        return delegate.all();
    }

    @Override
    public void delete(String migrationId) {
        faults.around("deleting " + migrationId, () -> {
            delegate.delete(migrationId);
            return null;
        });
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
