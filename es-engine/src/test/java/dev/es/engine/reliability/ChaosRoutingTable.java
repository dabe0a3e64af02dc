package dev.es.engine.reliability;

import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationRoutingTable;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a real routing table and injects transient failures, drawn from a seeded {@link Random}: before a call (it did
 * nothing) and, for saves and deletes, after it (it took effect, the caller hears of a failure), as a lost connection
 * would. {@link #heal()} stops them.
 */
final class ChaosRoutingTable implements MigrationRoutingTable {

    /** A failure the engine classifies as transient (its cause is a lost connection). */
    static final class InjectedTransientFault extends RuntimeException {
        InjectedTransientFault(String what) {
            super("injected transient fault: " + what, new SQLTransientConnectionException("injected"));
        }
    }

    private final MigrationRoutingTable delegate;
    private final Random random;
    private volatile double before;
    private volatile double after;
    private final AtomicInteger injected = new AtomicInteger();

    ChaosRoutingTable(MigrationRoutingTable delegate, long seed) {
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
            throw new InjectedTransientFault(what);
        }
    }

    private <T> T read(String what, Supplier<T> call) {
        maybeFail(before, what);
        return call.get();
    }

    @Override
    public boolean save(MigrationEntry entry) {
        maybeFail(before, "before saving " + entry.migrationId());
        boolean saved = delegate.save(entry);
        maybeFail(after, "after saving " + entry.migrationId());
        return saved;
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        return read("reading " + migrationId, () -> delegate.get(migrationId));
    }

    @Override
    public List<MigrationEntry> active() {
        return read("reading the active entries", delegate::active);
    }

    @Override
    public List<MigrationEntry> forObject(String objectName, String objectId) {
        return read("reading the entries of " + objectName + "/" + objectId,
                () -> delegate.forObject(objectName, objectId));
    }

    @Override
    public List<MigrationEntry> all() {
        return read("reading every entry", delegate::all);
    }

    @Override
    public void delete(String migrationId) {
        maybeFail(before, "before deleting " + migrationId);
        delegate.delete(migrationId);
        maybeFail(after, "after deleting " + migrationId);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
