package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link MigrationRoutingTable} must do: keep entries whole, replace them, list the active ones. */
public abstract class AbstractMigrationRoutingTableContractTest {

    protected abstract MigrationRoutingTable createTable();

    protected MigrationRoutingTable table;

    @BeforeEach
    void makeTable() {
        table = createTable();
    }

    private static MigrationEntry entry(MigrationStatus status) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new MigrationEntry(id, "Order", "o-" + id.substring(0, 8), new StreamPointer("order-1", "main"),
                new StreamPointer("order-1-v2", "other"), MigrationPhase.CATCH_UP, status, 5, 2, 7, now, now, null);
    }

    @Test
    void savesReplacesAndReadsEntriesWhole() {
        MigrationEntry entry = entry(MigrationStatus.IN_PROGRESS);
        table.save(entry);
        assertThat(table.get(entry.migrationId())).contains(entry);

        MigrationEntry later = entry.with(MigrationPhase.CUTOVER, MigrationStatus.CUTTING_OVER,
                entry.updatedAt().plusSeconds(1)).withProgress(10, 0, entry.updatedAt().plusSeconds(1))
                .withError("boom", entry.updatedAt().plusSeconds(2));
        table.save(later);
        assertThat(table.get(entry.migrationId())).contains(later);
        assertThat(table.get("missing-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void activeListsOnlyUnfinishedMigrations() {
        MigrationEntry running = entry(MigrationStatus.IN_PROGRESS);
        MigrationEntry done = entry(MigrationStatus.COMPLETED);
        table.save(running);
        table.save(done);
        assertThat(table.active()).extracting(MigrationEntry::migrationId).contains(running.migrationId())
                .doesNotContain(done.migrationId());
        assertThat(table.all()).extracting(MigrationEntry::migrationId)
                .contains(running.migrationId(), done.migrationId());
        table.delete(done.migrationId());
        assertThat(table.get(done.migrationId())).isEmpty();
    }
}
