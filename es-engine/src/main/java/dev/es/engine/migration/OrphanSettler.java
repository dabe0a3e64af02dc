package dev.es.engine.migration;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles orphaned migrations: routing entries left unfinished by a process that died. Each is either marked
 * {@code PAUSED} (a re-run can finish it) or retired as {@code FAILED} with where its object went; see
 * {@link #settleIfOrphaned}.
 */
final class OrphanSettler {

    /** The error of an orphaned migration that a re-run can resume. */
    static final String INTERRUPTED = "interrupted: no process is running it; run the same migration again to resume";

    private static final Logger log = LoggerFactory.getLogger(OrphanSettler.class);

    /** Whether this process runs a migration (by id), or another migration of the same object (name, id). */
    @FunctionalInterface
    interface RunsHere {
        boolean test(String migrationId, String objectName, String objectId);
    }

    private final EventStreams streams;
    private final DistributedLockProvider locks;
    private final MigrationRoutingTable routing;
    private final Clock clock;
    private final RunsHere runsHere;

    OrphanSettler(EventStreams streams, DistributedLockProvider locks, MigrationRoutingTable routing, Clock clock,
                  RunsHere runsHere) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runsHere = Objects.requireNonNull(runsHere, "runsHere");
    }

    /**
     * Settles the orphaned entries among one object's {@code entries}, before a migration of it is launched.
     *
     * @return the entries as they now stand
     */
    List<MigrationEntry> settle(List<MigrationEntry> entries) {
        List<MigrationEntry> settled = new ArrayList<>(entries.size());
        for (MigrationEntry entry : entries) {
            if (entry.isActive()) {
                settleIfOrphaned(entry).ifPresent(settled::add);
            } else {
                settled.add(entry);
            }
        }
        return settled;
    }

    /**
     * An entry is orphaned when it is not terminal, no migration of its object runs in this process, and its
     * object's lock is free: the process that ran it died. Under that lock (taken without waiting; skipped when it is
     * not free) and with its fencing token, the entry is re-read and marked {@code PAUSED} when a re-run can still
     * finish it (its source is the active stream and is open or closed toward its target, or the document already
     * points at its target), or retired as {@code FAILED} with where the object went.
     *
     * An entry {@code ROLLING_BACK} is never taken for an orphan: its reverse migration is the one to settle, and
     * rolling back again resumes it.
     *
     * @return the entry as it now stands; empty when it is gone
     */
    Optional<MigrationEntry> settleIfOrphaned(MigrationEntry entry) {
        if (!entry.isActive() || entry.objectName() == null || entry.objectId() == null
                || entry.status() == MigrationStatus.ROLLING_BACK
                || runsHere.test(entry.migrationId(), entry.objectName(), entry.objectId())) {
            return Optional.of(entry);
        }
        String key = MigrationDefinition.lockKey(entry.objectName(), entry.objectId());
        try {
            if (locks.isLocked(key)
                    || entry.status() == MigrationStatus.PAUSED && abandonment(entry) == null) {
                return Optional.of(entry); // running elsewhere, or already resumable
            }
            Optional<DistributedLock> acquired = locks.tryAcquire(key, Duration.ZERO);
            if (acquired.isEmpty()) {
                return Optional.of(entry);
            }
            try (DistributedLock held = acquired.get()) {
                Optional<MigrationEntry> stored = routing.get(entry.migrationId());
                if (stored.isEmpty() || !stored.get().isActive()
                        || runsHere.test(entry.migrationId(), entry.objectName(), entry.objectId())) {
                    return stored;
                }
                MigrationEntry current = stored.get();
                String abandoned = abandonment(current);
                if (abandoned == null && current.status() == MigrationStatus.PAUSED) {
                    return stored;
                }
                Instant now = clock.instant();
                MigrationEntry settled = abandoned == null
                        ? current.with(current.phase(), MigrationStatus.PAUSED, now).withError(INTERRUPTED, now)
                        : current.with(MigrationPhase.FAILED, MigrationStatus.FAILED, now).withError(abandoned, now);
                settled = settled.withFencingToken(held.fencingToken(), now);
                settled = settled.withAudit(new MigrationAuditRecord(now, settled.phase(), settled.status(),
                        MigrationAuditRecord.BY_MIGRATION, held.fencingToken(), settled.error()));
                if (!held.isValid() || !routing.save(settled)) {
                    return routing.get(entry.migrationId());
                }
                if (abandoned == null) {
                    log.warn("Migration {} of {}/{} was left {} in phase {} by a process that is gone; marked PAUSED:"
                            + " run the same migration again to resume it", current.migrationId(),
                            current.objectName(), current.objectId(), current.status(), current.phase());
                } else {
                    log.warn("Migration {} of {}/{} was left {} in phase {} by a process that is gone; retired as"
                            + " FAILED: {}", current.migrationId(), current.objectName(), current.objectId(),
                            current.status(), current.phase(), abandoned);
                }
                return Optional.of(settled);
            }
        } catch (RuntimeException e) {
            log.warn("Could not check whether migration {} of {}/{} is orphaned; leaving it as it is",
                    entry.migrationId(), entry.objectName(), entry.objectId(), e);
            return Optional.of(entry);
        }
    }

    /** Why a re-run can no longer finish {@code entry}; {@code null} when it can. */
    private @Nullable String abandonment(MigrationEntry entry) {
        String object = entry.objectName() + "/" + entry.objectId();
        Optional<ObjectDocument> document = streams.documents().get(entry.objectName(), entry.objectId());
        if (document.isEmpty()) {
            return "abandoned: " + object + " has no document any more; nothing to resume";
        }
        StreamPointer active = document.get().active();
        if (active.equals(entry.target())) {
            return null; // cut over already: only book closing is left
        }
        CloseEvent close = closeOf(entry.source());
        boolean towardTarget = close != null && (entry.migrationId().equals(close.migrationId())
                || entry.target().streamId().equals(close.continuationStreamId())
                && entry.target().store().equals(close.continuationStore()));
        if (active.equals(entry.source()) && (close == null || towardTarget)) {
            return null;
        }
        String sourceState;
        StreamPointer now = active;
        if (close == null) {
            sourceState = "its source " + entry.source() + " is no longer the active stream";
        } else if (!close.hasContinuation()) {
            if (active.equals(entry.source())) {
                return "abandoned: " + object + " cannot move on: its source " + entry.source() + " is closed"
                        + " without a continuation; nothing to resume";
            }
            sourceState = "its source " + entry.source() + " is closed without a continuation";
        } else {
            StreamPointer continuation = new StreamPointer(close.continuationStreamId(), close.continuationStore());
            if (active.equals(entry.source())) {
                now = continuation; // the document has not caught up with that close yet
            }
            sourceState = "its source " + entry.source() + " is closed toward " + continuation
                    + (towardTarget ? ", its target, which has moved on since" : ", not toward its target "
                    + entry.target());
        }
        return "abandoned: " + object + " moved on to " + now + " (" + sourceState + "); nothing to resume";
    }

    private @Nullable CloseEvent closeOf(StreamPointer pointer) {
        return streams.stores().get(pointer.store()).closeEvent(pointer.streamId());
    }
}
