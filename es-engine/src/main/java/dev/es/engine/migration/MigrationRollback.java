package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import dev.es.engine.Identifiers;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.store.EventStore;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventTransformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a migration back ({@code migrations.rollback(id)}):
 * <ul>
 *   <li><b>before the cutover</b>: a run of it in this process is cancelled at its next safe point; then, under the
 *   object's lock, the target's fence is raised (a late writer of an earlier run is refused), the target is deleted
 *   and the entry recorded {@code ROLLED_BACK}. The source was never touched: it stays the object's stream.</li>
 *   <li><b>after the cutover</b>: a reverse live migration (the same protocol, so writers are never blocked) moves
 *   the object from the migration's target to a fresh stream in the original source's store ({@code <source>-rb1},
 *   or the next free number), through the reverse transformer when the migration transformed events. The entry is
 *   {@code ROLLING_BACK} meanwhile, with the reverse migration's id, and {@code ROLLED_BACK} once it completed. A
 *   reverse migration that fails leaves it {@code ROLLING_BACK}: rolling back again resumes it.</li>
 * </ul>
 */
final class MigrationRollback {

    private static final Logger log = LoggerFactory.getLogger(MigrationRollback.class);
    /** How long a rollback waits for the object's lock (a migration of it may be letting go of it just now). */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    /** Before the cutover: a lock held longer than this is a migration running elsewhere, so the rollback is refused. */
    private static final Duration LOCK_WAIT_BEFORE_CUTOVER = Duration.ofSeconds(5);
    /** Suffix of the fresh streams a rollback after the cutover moves the object to: {@code <source>-rb<n>}. */
    static final String STREAM_SUFFIX = "-rb";
    /** Saves of bookkeeping that race another saver of the same entry: tried this often at most. */
    private static final int MAX_SAVES = 10;

    private final DefaultEventStreamMigrationService service;
    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final Clock clock;

    MigrationRollback(DefaultEventStreamMigrationService service, EventStreams streams,
                      DistributedLockProvider locks, MigrationRoutingTable routing, Clock clock) {
        this.service = service;
        this.streams = streams;
        this.locks = locks;
        this.routing = routing;
        this.clock = clock;
    }

    /** Thrown inside when the state changed under a decision: decide again. */
    private static final class Redecide extends RuntimeException {
        Redecide() {
            super(null, null, false, false);
        }
    }

    RollbackResult rollback(String migrationId, @Nullable EventTransformer reverse, String requestedBy) {
        LiveMigration live = service.runningHere(migrationId);
        MigrationDefinition definition = service.definitionOf(migrationId);
        if (live != null) {
            // stopped at its next safe point before its close; past its close it finishes, and is rolled back after
            boolean cancelled = live.cancel();
            log.info("Rollback of migration {}: it runs in this process; {}", migrationId, cancelled
                    ? "cancelled it" : "it is past its close, waiting for it to finish");
            live.await();
        }
        for (int attempt = 0; ; attempt++) {
            Optional<MigrationEntry> found = routing.get(migrationId);
            if (found.isEmpty() && live != null && definition != null) {
                // it was stopped before it recorded anything: there is nothing to roll back
                StreamPointer active = document(migrationId, definition.objectName(), definition.objectId()).active();
                return new RollbackResult(migrationId, MigrationStatus.ROLLED_BACK, false, active, null, null, null);
            }
            MigrationEntry entry = found.orElseThrow(() -> new RollbackRefusedException(migrationId,
                    "no such migration in the routing table", ErrorCategory.USAGE));
            if (entry.objectName() == null || entry.objectId() == null) {
                throw new RollbackRefusedException(migrationId, "its routing entry does not name its object (it was"
                        + " recorded by an older version)", ErrorCategory.USAGE);
            }
            try {
                return decide(entry, definition, reverse, requestedBy);
            } catch (Redecide changed) {
                if (attempt >= 5) {
                    throw new RollbackRefusedException(migrationId, "the migration's state kept changing under the"
                            + " rollback; try again", ErrorCategory.TRANSIENT);
                }
            }
        }
    }

    private RollbackResult decide(MigrationEntry entry, @Nullable MigrationDefinition definition,
                                  @Nullable EventTransformer reverse, String requestedBy) {
        String id = entry.migrationId();
        if (entry.status() == MigrationStatus.ROLLED_BACK) {
            return done(entry);
        }
        if (entry.status() == MigrationStatus.ROLLING_BACK) {
            return afterCutover(entry, definition, reverse, requestedBy);
        }
        ObjectDocument document = document(entry);
        if (document.active().equals(entry.target())) {
            return afterCutover(entry, definition, reverse, requestedBy);
        }
        if (entry.status() == MigrationStatus.COMPLETED) {
            throw movedOn(entry, document); // completed is cut over: the document has moved on from its target since
        }
        if (closedTowardTarget(entry)) {
            throw new RollbackRefusedException(id, "it closed its source " + entry.source() + " toward its target "
                    + entry.target() + " but the document of " + object(entry) + " does not point there yet; run the"
                    + " same migration again (or resume(\"" + id + "\")) to finish the cutover, then roll it back",
                    ErrorCategory.CONFLICT);
        }
        return beforeCutover(entry, requestedBy);
    }

    // ---------------------------------------------------------------- before the cutover

    private RollbackResult beforeCutover(MigrationEntry entry, String requestedBy) {
        String id = entry.migrationId();
        String key = MigrationDefinition.lockKey(entry.objectName(), entry.objectId());
        Optional<DistributedLock> acquired = locks.tryAcquire(key, LOCK_WAIT_BEFORE_CUTOVER);
        if (acquired.isEmpty()) {
            throw new RollbackRefusedException(id, "it (or another migration of " + object(entry) + ") is running in"
                    + " another process and holds lock '" + key + "'; pause or cancel it there (actuator), or wait"
                    + " for it, then roll back", ErrorCategory.TRANSIENT);
        }
        try (DistributedLock held = acquired.get()) {
            MigrationEntry current = find(id);
            if (current.status() == MigrationStatus.COMPLETED || current.status() == MigrationStatus.ROLLED_BACK
                    || current.status() == MigrationStatus.ROLLING_BACK) {
                throw new Redecide();
            }
            StreamPointer target = current.target();
            EventStore targetStore = store(target);
            if (targetStore.supportsFencing()) {
                // from here no run that held the lock before can write the target, however late its append lands
                targetStore.raiseFence(target.streamId(), held.fencingToken());
            }
            ObjectDocument document = document(current);
            if (closedTowardTarget(current) || document.active().equals(target)) {
                throw new Redecide(); // a close of an earlier holder landed after all
            }
            // a later migration of the object may have chosen the same target stream (a cancelled one's is free)
            String sharedWith = routing.forObject(current.objectName(), current.objectId()).stream()
                    .filter(e -> !e.migrationId().equals(id) && e.target().equals(target))
                    .filter(e -> e.status() != MigrationStatus.CANCELLED && e.status() != MigrationStatus.ROLLED_BACK)
                    .map(MigrationEntry::migrationId).findFirst().orElse(null);
            String discarded;
            if (document.knows(target) || sharedWith != null) {
                discarded = "target " + target + " left as it is (" + (sharedWith != null ? "migration " + sharedWith
                        + " uses it" : "the document knows it") + ")";
            } else {
                targetStore.delete(target.streamId());
                discarded = "target " + target + " discarded";
            }
            Instant now = clock.instant();
            String detail = "rolled back before the cutover: " + discarded + "; the object stays in "
                    + document.active() + (current.status() != MigrationStatus.IN_PROGRESS ? " (was "
                    + current.status() + ")" : "");
            MigrationEntry rolled = current.with(MigrationPhase.ROLLED_BACK, MigrationStatus.ROLLED_BACK, now)
                    .withFencingToken(held.fencingToken(), now)
                    .withAudit(new MigrationAuditRecord(now, MigrationPhase.ROLLED_BACK, MigrationStatus.ROLLED_BACK,
                            requestedBy, held.fencingToken(), detail));
            if (!held.isValid() || !routing.save(rolled)) {
                throw new RollbackRefusedException(id, "lost the lock of " + object(current) + " while rolling back;"
                        + " the target may be discarded already; roll back again", ErrorCategory.TRANSIENT);
            }
            log.info("Migration {} of {} {}", id, object(current), detail);
            return new RollbackResult(id, MigrationStatus.ROLLED_BACK, false, document.active(), null, null, null);
        }
    }

    // ---------------------------------------------------------------- after the cutover

    private RollbackResult afterCutover(MigrationEntry entry, @Nullable MigrationDefinition definition,
                                        @Nullable EventTransformer reverse, String requestedBy) {
        String id = entry.migrationId();
        String key = MigrationDefinition.lockKey(entry.objectName(), entry.objectId());
        if (entry.status() == MigrationStatus.ROLLING_BACK && entry.rollbackMigrationId() != null) {
            LiveMigration reverseRun = service.runningHere(entry.rollbackMigrationId());
            if (reverseRun != null) {
                reverseRun.await(); // an earlier call's reverse migration still runs here: its outcome decides
            }
        }
        String rollbackId;
        StreamPointer rollbackTarget;
        MigrationDefinition reverseDefinition = null;
        Optional<DistributedLock> acquired = locks.tryAcquire(key, LOCK_WAIT);
        if (acquired.isEmpty()) {
            throw new RollbackRefusedException(id, "another migration of " + object(entry) + " holds lock '" + key
                    + "'; try again once it is done", ErrorCategory.TRANSIENT);
        }
        try (DistributedLock held = acquired.get()) {
            MigrationEntry current = find(id);
            if (current.status() == MigrationStatus.ROLLED_BACK) {
                return done(current);
            }
            if (current.status() == MigrationStatus.ROLLING_BACK && current.rollbackMigrationId() != null) {
                // an earlier rollback did not finish: resume its reverse migration
                rollbackId = current.rollbackMigrationId();
                Optional<MigrationEntry> reverseEntry = routing.get(rollbackId);
                if (reverseEntry.isPresent() && reverseEntry.get().status() == MigrationStatus.COMPLETED) {
                    return finish(current, rollbackId, null, reverseEntry.get().target(), requestedBy);
                }
                if (reverseEntry.isPresent() && !reverseEntry.get().isActive()
                        && reverseEntry.get().status() != MigrationStatus.FAILED) {
                    restore(current, rollbackId, requestedBy, "rollback migration " + rollbackId + " ended "
                            + reverseEntry.get().status());
                    throw new Redecide();
                }
                reverseDefinition = service.definitionOf(rollbackId);
                rollbackTarget = reverseEntry.map(MigrationEntry::target)
                        .orElseGet(() -> freshStream(current, document(current)));
            } else {
                ObjectDocument document = document(current);
                if (!document.active().equals(current.target())) {
                    throw movedOn(current, document);
                }
                rollbackId = UUID.randomUUID().toString();
                rollbackTarget = freshStream(current, document);
            }
            if (reverseDefinition == null) {
                reverse = reverseTransformer(current, definition, reverse);
            }
            if (current.status() != MigrationStatus.ROLLING_BACK) {
                Instant now = clock.instant();
                String detail = "rolling back through migration " + rollbackId + ": " + current.target() + " -> "
                        + rollbackTarget;
                MigrationEntry rolling = current.with(current.phase(), MigrationStatus.ROLLING_BACK, now)
                        .withRollbackMigrationId(rollbackId, now).withFencingToken(held.fencingToken(), now)
                        .withAudit(new MigrationAuditRecord(now, current.phase(), MigrationStatus.ROLLING_BACK,
                                requestedBy, held.fencingToken(), detail));
                if (!held.isValid() || !routing.save(rolling)) {
                    throw new RollbackRefusedException(id, "lost the lock of " + object(current) + " before the"
                            + " rollback began", ErrorCategory.TRANSIENT);
                }
                log.info("Migration {} of {}: {}", id, object(current), detail);
            }
        }
        // the lock is let go: the reverse migration takes it again, as every migration does
        StreamPointer rollbackSource = entry.target();
        MigrationHandle handle = service.handle(rollbackId).orElse(null);
        if (handle == null) {
            if (reverseDefinition == null) {
                EventTransformer transformer = reverse;
                reverseDefinition = service.forDocument(entry.objectName(), entry.objectId())
                        .withSourceStream(rollbackSource)
                        .withTargetStream(rollbackTarget.streamId()).withTargetStore(rollbackTarget.store())
                        .withTransformer(transformer)
                        .withDistributedLock(l -> l.timeout(LOCK_WAIT))
                        .definition();
            }
            handle = service.launchAs(reverseDefinition, rollbackSource, rollbackTarget, rollbackId);
        }
        MigrationResult result = handle.await();
        MigrationEntry current = find(id);
        if (result.isSuccess()) {
            return finish(current, rollbackId, result, rollbackTarget, requestedBy);
        }
        if (result.status() == MigrationStatus.CANCELLED) {
            MigrationStatus restored = restore(current, rollbackId, requestedBy, "rollback migration " + rollbackId
                    + " was cancelled");
            return new RollbackResult(id, restored, true, document(current).active(), rollbackId, result,
                    new MigrationException(id, "the rollback migration " + rollbackId + " was cancelled; the"
                            + " migration stands as it was"));
        }
        MigrationException error = new MigrationException(id, "the rollback migration " + rollbackId + " ended "
                + result.status() + (result.error() != null ? " (" + result.error().getMessage() + ")" : "")
                + "; the object is writable where it stands; roll back again to resume it", result.error());
        if (!(result.error() instanceof MigrationLockedException)) {
            update(id, e -> e.status() != MigrationStatus.ROLLING_BACK ? null
                    : e.withError(error.getMessage(), clock.instant()).withAudit(audit(e, e.phase(),
                    MigrationStatus.ROLLING_BACK, requestedBy, "rollback migration " + rollbackId + " ended "
                            + result.status())));
        }
        log.warn("Rollback of migration {} of {} did not finish: {}", id, object(entry), error.getMessage());
        return new RollbackResult(id, MigrationStatus.ROLLING_BACK, true, document(entry).active(), rollbackId,
                result, error);
    }

    /** The reverse transformer to use, or a refusal when one is needed and none was given. */
    private EventTransformer reverseTransformer(MigrationEntry entry, @Nullable MigrationDefinition definition,
                                                @Nullable EventTransformer reverse) {
        if (reverse != null) {
            return reverse;
        }
        String id = entry.migrationId();
        RollbackSupport support = entry.rollbackSupport();
        boolean transformed;
        String transformer;
        if (definition != null) {
            transformed = definition.transforms();
            transformer = transformed ? definition.transformer().getClass().getName() : null;
        } else if (support != null) {
            transformed = support.transformed();
            transformer = support.transformer();
        } else {
            throw new ReverseTransformerRequiredException(id, "its routing entry does not say whether it transformed"
                    + " events (it was recorded by an older version); call rollback(\"" + id + "\","
                    + " reverseTransformer) with the transformer that turns its events back, or"
                    + " EventTransformer.identity() if it copied them unchanged", null);
        }
        if (transformed) {
            throw new ReverseTransformerRequiredException(id, "it transformed events (with " + transformer + "), so"
                    + " a reverse transformer is needed to give the object its original events back; call"
                    + " rollback(\"" + id + "\", reverseTransformer) with one that turns the migrated events back",
                    transformer);
        }
        return EventTransformer.identity();
    }

    /** The reverse migration completed: the migration is recorded {@code ROLLED_BACK}. */
    private RollbackResult finish(MigrationEntry entry, String rollbackId, @Nullable MigrationResult result,
                                  StreamPointer movedTo, String requestedBy) {
        String id = entry.migrationId();
        String detail = "rolled back after the cutover by migration " + rollbackId + ": the object continues in "
                + movedTo;
        update(id, e -> e.with(MigrationPhase.ROLLED_BACK, MigrationStatus.ROLLED_BACK, clock.instant())
                .withRollbackMigrationId(rollbackId, clock.instant()).withError(null, clock.instant())
                .withAudit(audit(e, MigrationPhase.ROLLED_BACK, MigrationStatus.ROLLED_BACK, requestedBy, detail)));
        update(rollbackId, e -> e.withAudit(audit(e, e.phase(), e.status(), requestedBy, "the rollback of migration "
                + id)));
        log.info("Migration {} of {} {}", id, object(entry), detail);
        return new RollbackResult(id, MigrationStatus.ROLLED_BACK, true, document(entry).active(), rollbackId,
                result, null);
    }

    /**
     * The reverse migration ended without moving the object (cancelled): the migration is recorded as it was before
     * the rollback. Answers its status.
     */
    private MigrationStatus restore(MigrationEntry entry, String rollbackId, String requestedBy, String why) {
        MigrationStatus status = entry.phase() == MigrationPhase.BOOK_CLOSED ? MigrationStatus.COMPLETED
                : MigrationStatus.FAILED;
        update(entry.migrationId(), e -> e.status() != MigrationStatus.ROLLING_BACK
                || !rollbackId.equals(e.rollbackMigrationId()) ? null
                : e.with(e.phase(), status, clock.instant()).withRollbackMigrationId(null, clock.instant())
                .withAudit(audit(e, e.phase(), status, requestedBy, why + "; the migration stands as it was")));
        log.info("Rollback of migration {} of {}: {}; it stands as it was ({})", entry.migrationId(), object(entry),
                why, status);
        return status;
    }

    private RollbackResult done(MigrationEntry entry) {
        String rollbackId = entry.rollbackMigrationId();
        return new RollbackResult(entry.migrationId(), MigrationStatus.ROLLED_BACK, rollbackId != null,
                document(entry).active(), rollbackId, null, null);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A stream in the original source's store that nothing of the object uses: {@code <source>-rb<n>}, the lowest
     * free {@code n}.
     */
    private StreamPointer freshStream(MigrationEntry entry, ObjectDocument document) {
        StreamPointer original = entry.source();
        EventStore store = store(original);
        Set<StreamPointer> used = new HashSet<>();
        for (MigrationEntry e : routing.forObject(entry.objectName(), entry.objectId())) {
            used.add(e.source());
            used.add(e.target());
        }
        String base = original.streamId();
        for (int n = 1; n < 100_000; n++) {
            String suffix = STREAM_SUFFIX + n;
            String streamId = (base.length() + suffix.length() > Identifiers.MAX_STREAM_ID_LENGTH
                    ? base.substring(0, Identifiers.MAX_STREAM_ID_LENGTH - suffix.length()) : base) + suffix;
            StreamPointer candidate = new StreamPointer(streamId, original.store());
            if (!document.knows(candidate) && !used.contains(candidate) && store.version(streamId) == 0
                    && store.closeEvent(streamId) == null) {
                return candidate;
            }
        }
        throw new RollbackRefusedException(entry.migrationId(), "found no free stream id for the rollback in store '"
                + original.store() + "'", ErrorCategory.FAILURE);
    }

    private RollbackRefusedException movedOn(MigrationEntry entry, ObjectDocument document) {
        List<String> later = routing.forObject(entry.objectName(), entry.objectId()).stream()
                .filter(e -> e.source().equals(entry.target()) && !e.migrationId().equals(entry.migrationId()))
                .map(e -> e.migrationId() + " (" + e.status() + ")").collect(Collectors.toList());
        return new RollbackRefusedException(entry.migrationId(), object(entry) + " has moved on since: its active"
                + " stream is " + document.active() + ", not the migration's target " + entry.target()
                + (later.isEmpty() ? "" : "; roll back the later migration first: " + String.join(", ", later)),
                ErrorCategory.CONFLICT);
    }

    /** Whether the migration's source holds its close (or a close toward its target). */
    private boolean closedTowardTarget(MigrationEntry entry) {
        CloseEvent close = store(entry.source()).closeEvent(entry.source().streamId());
        return close != null && (entry.migrationId().equals(close.migrationId())
                || entry.target().streamId().equals(close.continuationStreamId())
                && entry.target().store().equals(close.continuationStore()));
    }

    /**
     * Saves {@code change} of the stored entry with the token it carries (bookkeeping of a migration no one runs
     * any more: its token is the newest), re-reading when another save came first. A change answering {@code null}
     * saves nothing.
     */
    private void update(String migrationId, UnaryOperator<MigrationEntry> change) {
        for (int i = 0; i < MAX_SAVES; i++) {
            Optional<MigrationEntry> stored = routing.get(migrationId);
            if (stored.isEmpty()) {
                return;
            }
            MigrationEntry changed = change.apply(stored.get());
            if (changed == null || routing.save(changed)) {
                return;
            }
        }
        log.warn("Migration {}: its routing entry kept changing; the rollback's record of it was not saved",
                migrationId);
    }

    private MigrationAuditRecord audit(MigrationEntry entry, MigrationPhase phase, MigrationStatus status,
                                       String requestedBy, String detail) {
        return new MigrationAuditRecord(clock.instant(), phase, status, requestedBy, entry.fencingToken(), detail);
    }

    private MigrationEntry find(String migrationId) {
        return routing.get(migrationId).orElseThrow(() -> new RollbackRefusedException(migrationId,
                "no such migration in the routing table", ErrorCategory.USAGE));
    }

    private ObjectDocument document(MigrationEntry entry) {
        return document(entry.migrationId(), entry.objectName(), entry.objectId());
    }

    private ObjectDocument document(String migrationId, String objectName, String objectId) {
        return MigrationRun.readDocument(service.resilience(), streams, objectName, objectId)
                .orElseThrow(() -> new RollbackRefusedException(migrationId, "the document of " + objectName + "/"
                        + objectId + " is gone", ErrorCategory.CONFLICT));
    }

    private EventStore store(StreamPointer pointer) {
        return streams.stores().get(pointer.store());
    }

    private static String object(MigrationEntry entry) {
        return entry.objectName() + "/" + entry.objectId();
    }
}
