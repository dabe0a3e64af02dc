package dev.es.engine.migration;

import java.util.List;
import java.util.Optional;

/** The record of migrations, one entry per migration: the source of the actuator view and of crash-safe resume. */
public interface MigrationRoutingTable {

    /**
     * Inserts the entry, or replaces the stored entry of the same migration id, atomically. Saves are fenced: a
     * stored entry is never replaced by one with a lower {@link MigrationEntry#fencingToken()} (a migration that lost
     * its lock to a newer holder); an equal or higher token replaces it.
     *
     * @return whether the entry was written; false when it was refused, and then nothing changed
     */
    boolean save(MigrationEntry entry);

    Optional<MigrationEntry> get(String migrationId);

    /** Entries not yet in a terminal status, oldest first. */
    default List<MigrationEntry> active() {
        return all().stream().filter(MigrationEntry::isActive).toList();
    }

    /** Every entry, oldest first. */
    List<MigrationEntry> all();

    /** Removes an entry; for retention of finished migrations. */
    void delete(String migrationId);

    /** Whether the table's storage can be reached; used by health checks. */
    default boolean isReachable() {
        return true;
    }
}
