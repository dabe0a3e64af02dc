package dev.es.engine.migration;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The routing table kept in memory; the embedded default. */
public final class InMemoryMigrationRoutingTable implements MigrationRoutingTable {

    private final Map<String, MigrationEntry> entries = new ConcurrentHashMap<>();

    @Override
    public void save(MigrationEntry entry) {
        entries.put(entry.migrationId(), entry);
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
