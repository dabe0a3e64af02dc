package dev.es.engine.migration;

import dev.es.engine.backup.BackupDescriptor;
import dev.es.engine.backup.BackupOptions;
import dev.es.engine.backup.BackupRestoreService;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockLostException;
import dev.es.engine.resilience.StoreResilience;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the steps of one migration share: its definition, source and target, the stores, the held lock, the routing
 * entry and the bookkeeping around it (phase, status, counters, progress reports), and its {@link MigrationControl}.
 * One run at a time uses it, on the migration's thread; the counters, phase and status are also read by the handle.
 */
final class MigrationRun {

    private static final Logger log = LoggerFactory.getLogger(MigrationRun.class);

    final String migrationId;
    final MigrationDefinition definition;
    final StreamPointer source;
    /** {@code source.toString()}, written into every copy's metadata. */
    final String sourceName;
    final EventStreams streams;
    final MigrationRoutingTable routing;
    final MigrationListener listener;
    final Clock clock;
    final MigrationControl control;
    final String lockKey;
    /** Retries and breakers of the run's store calls (shared by the service's migrations). */
    final StoreResilience resilience;
    /** The breaker name of the documents and routing table calls. */
    static final String DOCUMENTS = "documents";
    final List<SkippedEvent> skipped = new ArrayList<>();

    private volatile StreamPointer target;
    volatile MigrationPhase phase = MigrationPhase.PENDING;
    volatile MigrationStatus status = MigrationStatus.PENDING;
    volatile long eventsCopied;
    volatile long eventsBehind;
    volatile int iterations;
    long transformed;
    @Nullable MigrationEntry entry;
    @Nullable DistributedLock lock;
    private final @Nullable BackupRestoreService backups;
    private long lastReport;
    /** When the routing entry was last saved ({@link System#nanoTime()}). */
    private long lastRecorded;
    /** Whether the audit trail holds this run's first {@code CLOSING}; later close rounds are only counted. */
    private boolean closeAudited;
    /** Closes lost to writers since the last audit record, told by the next one. */
    private int lostCloses;
    /**
     * Whether nothing can be recorded under this migration's id yet: an id the launch just made, which nobody knows
     * before this run's first save. {@link #start} then has nothing to read; cleared by it.
     */
    private boolean newId;

    MigrationRun(String migrationId, boolean newId, MigrationDefinition definition, StreamPointer source,
                 StreamPointer target, EventStreams streams, MigrationRoutingTable routing, MigrationListener listener,
                 Clock clock, @Nullable BackupRestoreService backups, StoreResilience resilience) {
        this.newId = newId;
        this.backups = backups;
        this.resilience = resilience;
        this.migrationId = migrationId;
        this.definition = definition;
        this.source = source;
        this.sourceName = source.toString();
        this.target = target;
        this.streams = streams;
        this.routing = routing;
        this.listener = GuardedListener.of(listener);
        this.clock = clock;
        this.control = new MigrationControl(migrationId);
        this.lockKey = definition.lockKey();
    }

    StreamPointer target() {
        return target;
    }

    /** Moves on to the target the source was found closed toward (a run that did not choose its target). */
    void retarget(StreamPointer continuation) {
        target = continuation;
        entry = new MigrationEntry(migrationId, entry.objectName(), entry.objectId(), source, target, entry.phase(),
                entry.status(), entry.eventsCopied(), entry.eventsBehind(), entry.fencingToken(), entry.startedAt(),
                clock.instant(), null, entry.backupId(), entry.audit(), entry.rollbackMigrationId(),
                entry.rollbackSupport());
    }

    String object() {
        return definition.objectName() + "/" + definition.objectId();
    }

    MigrationProgress progress() {
        return new MigrationProgress(migrationId, phase, status, eventsCopied, eventsBehind, iterations);
    }

    // ---------------------------------------------------------------- stores

    /** The store {@code pointer} names, its calls retried on transient errors and guarded by its breaker. */
    EventStore store(StreamPointer pointer) {
        return resilience.decorate(streams.stores().get(pointer.store()));
    }

    @Nullable CloseEvent closeOf(StreamPointer pointer) {
        return store(pointer).closeEvent(pointer.streamId());
    }

    ObjectDocument document() {
        return findDocument()
                .orElseThrow(() -> new MigrationException(migrationId, "the document of " + object() + " is gone"));
    }

    /** The object's document, if any, read as {@link #readDocument} reads it. */
    Optional<ObjectDocument> findDocument() {
        return readDocument(resilience, streams, definition.objectName(), definition.objectId());
    }

    /**
     * A migration's read of an object's document (the launch's, a run's, a rollback's): tried again on transient
     * errors through {@code resilience}. Writers' reads are not (the document store is shared with them).
     */
    static Optional<ObjectDocument> readDocument(StoreResilience resilience, EventStreams streams, String objectName,
                                                 String objectId) {
        return resilience.call(DOCUMENTS, () -> streams.documents().get(objectName, objectId));
    }

    long fencingToken() {
        return lock.fencingToken();
    }

    // ---------------------------------------------------------------- safe points

    void requireLock() {
        if (lock != null && !lock.isValid()) {
            throw new LockLostException(lockKey);
        }
    }

    /**
     * Between steps: stop if cancelled or the lock is lost, wait while paused (recorded as {@code PAUSED} by whoever
     * asked, and back to the status before by whoever resumed it).
     */
    void checkpoint() {
        MigrationStatus[] before = {status};
        control.awaitUnpaused(() -> {
            if (status != MigrationStatus.PAUSED) {
                before[0] = status;
                moveTo(phase, MigrationStatus.PAUSED, control.pausedBy(), "pause requested");
            }
        }, this::requireLock);
        if (status == MigrationStatus.PAUSED) {
            moveTo(phase, before[0] == MigrationStatus.PAUSED ? MigrationStatus.IN_PROGRESS : before[0],
                    control.resumedBy(), "resumed");
        }
        requireLock();
    }

    // ---------------------------------------------------------------- bookkeeping

    /**
     * Step 2 of the protocol: records the routing entry, a new one or the one of an earlier run of this migration,
     * with this run's fencing token. Answers true when the migration was completed meanwhile (nothing to do).
     *
     * @throws MigrationControl.NotRevived when it ended otherwise meanwhile (cancelled, rolled back)
     */
    boolean start(DistributedLock held) {
        Instant now = clock.instant();
        Optional<MigrationEntry> recorded = newId ? Optional.empty() : routing.get(migrationId);
        newId = false; // a later start (after a lost lock) reads what this one saved
        if (recorded.isPresent() && recorded.get().status() == MigrationStatus.COMPLETED) {
            phase = recorded.get().phase();
            log.info("Migration {} of {} was completed meanwhile; nothing to do", migrationId, object());
            return true;
        }
        if (recorded.isPresent() && (recorded.get().status().isTerminal()
                && recorded.get().status() != MigrationStatus.FAILED
                || recorded.get().status() == MigrationStatus.ROLLING_BACK)) {
            throw new MigrationControl.NotRevived(new MigrationException(migrationId, "was "
                    + recorded.get().status() + " meanwhile and is not revived; nothing was changed. Start the"
                    + " migration again for a new one"));
        }
        entry = recorded
                .map(e -> new MigrationEntry(migrationId, e.objectName(), e.objectId(), source, target,
                        MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS, e.eventsCopied(), e.eventsBehind(),
                        held.fencingToken(), e.startedAt(), now, null, e.backupId(), e.audit(),
                        e.rollbackMigrationId(), merged(e.rollbackSupport(), definition.rollbackSupportRecord())))
                .orElseGet(() -> new MigrationEntry(migrationId, definition.objectName(), definition.objectId(),
                        source, target, MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS, 0, 0,
                        held.fencingToken(), now, now, null)
                        .withRollbackSupport(definition.rollbackSupportRecord(), now));
        String detail = recorded.map(e -> "resumed by a new run (was " + e.status() + " in phase " + e.phase()
                + (e.error() == null ? "" : ": " + e.error()) + ")").orElse("started");
        if (definition.bulkRunId() != null) {
            detail = detail + " " + BulkMigration.auditTag(definition.bulkRunId());
        }
        entry = entry.withAudit(new MigrationAuditRecord(now, MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS,
                MigrationAuditRecord.BY_API, held.fencingToken(), detail));
        eventsCopied = entry.eventsCopied();
        moveTo(MigrationPhase.PENDING, MigrationStatus.IN_PROGRESS);
        return false;
    }

    /**
     * What an earlier run recorded for a rollback, joined with this run's: events copied by either run may have been
     * transformed, and a source either promised to keep stays kept.
     */
    private static RollbackSupport merged(@Nullable RollbackSupport earlier, RollbackSupport now) {
        if (earlier == null) {
            return now;
        }
        return new RollbackSupport(earlier.requested() || now.requested(), earlier.transformed() || now.transformed(),
                earlier.transformer() != null ? earlier.transformer() : now.transformer());
    }

    /**
     * Takes the backup the definition asks for ({@code withBackup}), before anything is written, and records its id
     * in the routing entry. A run resuming a migration that already took one keeps that one: the source has not
     * changed under the migration since (it is only ever closed, at the end).
     *
     * @throws MigrationException when the backup fails: the migration stops with nothing written
     */
    void backUp() {
        BackupOptions options = definition.backup();
        if (options == null || entry.backupId() != null) {
            return;
        }
        checkpoint();
        BackupDescriptor backup;
        try {
            backup = Objects.requireNonNull(backups, "backups").backup(definition.objectName(), definition.objectId(),
                    options);
        } catch (RuntimeException e) {
            throw new MigrationException(migrationId, "the backup before the copy failed, so nothing was written"
                    + " and the source stays as it was: " + e.getMessage(), e);
        }
        log.info("Migration {} of {}: backed up as {} ({} events) before the copy", migrationId, object(),
                backup.backupId(), backup.eventCount());
        entry = entry.withBackupId(backup.backupId(), clock.instant());
        record();
    }

    /** A change the protocol makes on its own ({@link MigrationAuditRecord#BY_MIGRATION}). */
    void moveTo(MigrationPhase newPhase, MigrationStatus newStatus) {
        moveTo(newPhase, newStatus, MigrationAuditRecord.BY_MIGRATION, null);
    }

    /**
     * Moves to {@code newPhase} and {@code newStatus} and records it in the routing entry; a change of the entry's
     * phase or status is added to its audit trail with the time, {@code requestedBy} (who asked, see
     * {@link MigrationAuditRecord}), the fencing token and {@code detail}. The back and forth between
     * {@code CATCH_UP} and {@code CLOSING} of closes lost to writers is recorded once, and the number of lost closes
     * told by the next record, so that a busy object does not push the rest of the trail out.
     */
    void moveTo(MigrationPhase newPhase, MigrationStatus newStatus, String requestedBy, @Nullable String detail) {
        boolean changed = newPhase != phase || newStatus != status;
        phase = newPhase;
        status = newStatus;
        if (entry != null && (changed || entry.phase() != newPhase || entry.status() != newStatus)) {
            Instant now = clock.instant();
            MigrationPhase before = entry.phase();
            boolean audited = before != newPhase || entry.status() != newStatus;
            entry = entry.with(newPhase, newStatus, now).withProgress(eventsCopied, eventsBehind, now);
            if (audited) {
                audit(before, newPhase, newStatus, requestedBy, detail, now);
            }
            record();
        }
        if (changed) {
            report(true);
        }
    }

    /** Adds the change to the entry's audit trail, folding the rounds of closes lost to writers into a count. */
    private void audit(MigrationPhase before, MigrationPhase newPhase, MigrationStatus newStatus, String requestedBy,
                       @Nullable String detail, Instant now) {
        boolean closeRound = MigrationAuditRecord.BY_MIGRATION.equals(requestedBy) && detail == null
                && newStatus == MigrationStatus.IN_PROGRESS
                && (before == MigrationPhase.CATCH_UP && newPhase == MigrationPhase.CLOSING
                || before == MigrationPhase.CLOSING && newPhase == MigrationPhase.CATCH_UP);
        if (closeRound && closeAudited) {
            if (newPhase == MigrationPhase.CATCH_UP) {
                lostCloses++;
            }
            return;
        }
        if (newPhase == MigrationPhase.CLOSING) {
            closeAudited = true;
        }
        String told = detail;
        if (lostCloses > 0) {
            String lost = "after " + lostCloses + " close attempt(s) lost to writers";
            told = told == null ? lost : told + " (" + lost + ")";
            lostCloses = 0;
        }
        entry = entry.withAudit(new MigrationAuditRecord(now, newPhase, newStatus, requestedBy, entry.fencingToken(),
                told));
    }

    /**
     * Saves the progress in the routing entry at most once per progress interval (phase changes are saved at once):
     * a page copied is not worth a write of its own.
     */
    void recordProgress() {
        long now = System.nanoTime();
        if (now - lastRecorded >= definition.progress().interval().toNanos()) {
            entry = entry.withProgress(eventsCopied, eventsBehind, clock.instant());
            record();
        }
    }

    /**
     * Saves the progress like {@link #recordProgress()}, but only when it changed since it was last saved: a migration
     * waiting for its cutover does not rewrite an entry that says the same.
     */
    void recordProgressIfChanged() {
        if (entry.eventsCopied() != eventsCopied || entry.eventsBehind() != eventsBehind) {
            recordProgress();
        }
    }

    /** Saves the entry; a refusal means a newer lock holder recorded it since: this run has lost its lock. */
    private void record() {
        lastRecorded = System.nanoTime();
        MigrationEntry saved = entry;
        if (!routing.save(saved)) {
            log.warn("Migration {}: the routing entry was recorded by a newer holder of lock '{}'; stopping",
                    migrationId, lockKey);
            throw new LockLostException(lockKey);
        }
    }

    void saveFailure(MigrationException error) {
        phase = MigrationPhase.FAILED;
        status = MigrationStatus.FAILED;
        if (entry != null) {
            try {
                MigrationPhase before = entry.phase();
                Instant now = clock.instant();
                entry = entry.with(MigrationPhase.FAILED, MigrationStatus.FAILED, now)
                        .withError(error.getMessage(), now);
                audit(before, MigrationPhase.FAILED, MigrationStatus.FAILED, MigrationAuditRecord.BY_MIGRATION,
                        error.getMessage(), now);
                if (!routing.save(entry)) {
                    log.info("Migration {}: a newer lock holder recorded it since; its entry is left as is",
                            migrationId);
                }
            } catch (RuntimeException e) {
                log.warn("Migration {}: could not record the failure in the routing table", migrationId, e);
            }
        }
    }

    void report(boolean force) {
        long now = System.nanoTime();
        if (force || now - lastReport >= definition.progress().interval().toNanos()) {
            lastReport = now;
            try {
                definition.progress().onProgress().accept(progress());
            } catch (RuntimeException e) {
                log.warn("Migration {}: progress callback failed", migrationId, e);
            }
        }
    }
}
