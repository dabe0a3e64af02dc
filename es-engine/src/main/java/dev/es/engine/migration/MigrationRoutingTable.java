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

    /**
     * The entries of one object, oldest first: what a migration of that object is launched against (an orphan to
     * settle, a cutover to finish, an entry to resume). A store should answer without reading every entry; the
     * default filters {@link #all()}.
     */
    default List<MigrationEntry> forObject(String objectName, String objectId) {
        return all().stream().filter(e -> objectName.equals(e.objectName()) && objectId.equals(e.objectId()))
                .toList();
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
