package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.document.StreamPointer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link MigrationRoutingTable} must do: keep entries whole, replace them, list the active ones and
 * those of one object, and refuse a save with a lower fencing token than the stored entry's.
 */
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
        assertThat(table.save(entry)).isTrue();
        assertThat(table.get(entry.migrationId())).contains(entry);

        MigrationEntry later = entry.with(MigrationPhase.CUTOVER, MigrationStatus.CUTTING_OVER,
                entry.updatedAt().plusSeconds(1)).withProgress(10, 0, entry.updatedAt().plusSeconds(1))
                .withError("boom", entry.updatedAt().plusSeconds(2))
                .withBackupId("20261124T100000000Z-0123456789ab", entry.updatedAt().plusSeconds(3))
                .withAudit(new MigrationAuditRecord(entry.updatedAt(), MigrationPhase.CATCH_UP,
                        MigrationStatus.IN_PROGRESS, MigrationAuditRecord.BY_MIGRATION, 7, null))
                .withAudit(new MigrationAuditRecord(entry.updatedAt().plusNanos(1234), MigrationPhase.CUTOVER,
                        MigrationStatus.CUTTING_OVER, MigrationAuditRecord.BY_ACTUATOR, 7, "cutover asked \"now\""))
                .withRollbackMigrationId("rollback-1", entry.updatedAt().plusSeconds(4))
                .withRollbackSupport(new RollbackSupport(true, true, "com.example.Upcaster"),
                        entry.updatedAt().plusSeconds(5));
        assertThat(table.save(later)).isTrue();
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

    @Test
    void forObjectListsTheEntriesOfThatObjectOnlyOldestFirst() {
        String objectId = "o-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MigrationEntry second = new MigrationEntry("m2-" + objectId, "Order", objectId,
                new StreamPointer("order-1-v2", "other"), new StreamPointer("order-1-v3", "main"),
                MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS, 0, 0, 3, now.plusSeconds(5), now, null);
        MigrationEntry first = new MigrationEntry("m1-" + objectId, "Order", objectId,
                new StreamPointer("order-1", "main"), new StreamPointer("order-1-v2", "other"),
                MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED, 9, 0, 2, now, now, null);
        MigrationEntry sameIdOtherName = new MigrationEntry("m3-" + objectId, "Invoice", objectId,
                new StreamPointer("invoice-1", "main"), new StreamPointer("invoice-1-v2", "other"),
                MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS, 0, 0, 1, now, now, null);
        table.save(second);
        table.save(first);
        table.save(sameIdOtherName);
        table.save(entry(MigrationStatus.IN_PROGRESS));

        assertThat(table.forObject("Order", objectId)).containsExactly(first, second);
        assertThat(table.forObject("Invoice", objectId)).containsExactly(sameIdOtherName);
        assertThat(table.forObject("Order", "absent-" + objectId)).isEmpty();
    }

    private static MigrationEntry withToken(MigrationEntry entry, long token) {
        return entry.withFencingToken(token, entry.updatedAt());
    }

    @Test
    void aSaveWithALowerFencingTokenIsRefusedAndChangesNothing() {
        MigrationEntry started = withToken(entry(MigrationStatus.COMPLETED), 42);
        MigrationEntry completed = started.with(MigrationPhase.BOOK_CLOSED, MigrationStatus.COMPLETED,
                started.updatedAt());
        assertThat(table.save(completed)).isTrue();

        // a migration that lost its lock to the holder that completed it reports its failure late
        MigrationEntry stale = withToken(completed, 41).with(MigrationPhase.FAILED, MigrationStatus.FAILED,
                completed.updatedAt().plusSeconds(1)).withError("lock was lost", completed.updatedAt().plusSeconds(1));
        assertThat(table.save(stale)).isFalse();
        assertThat(table.get(completed.migrationId())).contains(completed);
        assertThat(table.save(withToken(stale, 0))).isFalse();
        assertThat(table.get(completed.migrationId())).contains(completed);
        assertThat(table.active()).extracting(MigrationEntry::migrationId).doesNotContain(completed.migrationId());
    }

    @Test
    void aSaveWithAnEqualOrHigherFencingTokenReplaces() {
        MigrationEntry first = withToken(entry(MigrationStatus.IN_PROGRESS), 10);
        assertThat(table.save(first)).isTrue();

        MigrationEntry same = first.withProgress(20, 1, first.updatedAt().plusSeconds(1));
        assertThat(table.save(same)).isTrue();
        assertThat(table.get(first.migrationId())).contains(same);

        MigrationEntry newer = withToken(same, 11).with(MigrationPhase.PENDING, MigrationStatus.PAUSED,
                same.updatedAt().plusSeconds(1));
        assertThat(table.save(newer)).isTrue();
        assertThat(table.get(first.migrationId())).contains(newer);
        assertThat(table.save(same)).isFalse();
        assertThat(table.get(first.migrationId())).contains(newer);
    }

    @Test
    @Timeout(60)
    void concurrentSavesWithDifferentTokensEndWithTheHighest() throws Exception {
        MigrationEntry base = entry(MigrationStatus.IN_PROGRESS);
        int savers = 6;
        int savesEach = 4;
        List<Integer> tokens = new ArrayList<>();
        for (int t = 1; t <= savers; t++) {
            tokens.add(t);
        }
        Collections.shuffle(tokens);
        ExecutorService pool = Executors.newFixedThreadPool(savers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int token : tokens) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= savesEach; i++) {
                        table.save(withToken(base, token).withProgress(token * 100L + i, 0, base.updatedAt()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        MigrationEntry last = table.get(base.migrationId()).orElseThrow();
        assertThat(last.fencingToken()).isEqualTo(savers);
        assertThat(last.eventsCopied()).isEqualTo(savers * 100L + savesEach);
    }
}
