package dev.es.engine.migration;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The routing table kept in memory; the embedded default. A save is one atomic compare of fencing tokens. */
public final class InMemoryMigrationRoutingTable implements MigrationRoutingTable {

    private final Map<String, MigrationEntry> entries = new ConcurrentHashMap<>();

    @Override
    public boolean save(MigrationEntry entry) {
        Objects.requireNonNull(entry, "entry");
        boolean[] saved = {false};
        entries.compute(entry.migrationId(), (id, stored) -> {
            if (stored != null && stored.fencingToken() > entry.fencingToken()) {
                return stored;
            }
            saved[0] = true;
            return entry;
        });
        return saved[0];
    }

    @Override
    public Optional<MigrationEntry> get(String migrationId) {
        return Optional.ofNullable(entries.get(migrationId));
    }

    @Override
    public List<MigrationEntry> all() {
        return entries.values().stream()
                .sorted(Comparator.comparing(MigrationEntry::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    @Override
    public void delete(String migrationId) {
        entries.remove(migrationId);
    }
}
