package dev.es.engine.migration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The control state of one migration, in one place: what its handle asked (pause, resume, cancel, suspend, a manual
 * cutover), who asked it (for the audit trail: {@link MigrationAuditRecord#BY_API} unless said otherwise), and the
 * window in which a cancel can no longer take effect (a close is being appended, or may have been written). The run
 * asks it at its safe points; all of it is guarded by this object's monitor, which also wakes a paused or sleeping
 * run when something is asked.
 */
final class MigrationControl {

    private final String migrationId;
    private boolean paused;
    private boolean cancelRequested;
    private boolean suspendRequested;
    private boolean closing;
    /** A close append whose outcome was unknown: from then on the migration can no longer be cancelled. */
    private boolean closeMayBeWritten;
    /** Whether the run holds the object's writers (PAUSE_SOURCE); it does not pause meanwhile. */
    private volatile boolean holdingWriters;
    /** Who asked for the pause, resume, cancel, suspension and cutover last (audit trail). */
    private String pausedBy = MigrationAuditRecord.BY_API;
    private String resumedBy = MigrationAuditRecord.BY_API;
    private String cancelledBy = MigrationAuditRecord.BY_API;
    private String suspendedBy = MigrationAuditRecord.BY_API;
    /** Who asked for the cutover of a manual-cutover migration; {@code null} while nobody did. */
    private String cutoverRequestedBy;

    MigrationControl(String migrationId) {
        this.migrationId = migrationId;
    }

    synchronized void pause() {
        pause(MigrationAuditRecord.BY_API);
    }

    synchronized void pause(String requestedBy) {
        paused = true;
        pausedBy = requestedBy;
        notifyAll();
    }

    synchronized void resume() {
        resume(MigrationAuditRecord.BY_API);
    }

    synchronized void resume(String requestedBy) {
        paused = false;
        resumedBy = requestedBy;
        notifyAll();
    }

    /** Asks for a cancel; refused (false) once the close may be written. */
    synchronized boolean cancel() {
        return cancel(MigrationAuditRecord.BY_API);
    }

    /** Asks for a cancel on behalf of {@code requestedBy}; refused (false) once the close may be written. */
    synchronized boolean cancel(String requestedBy) {
        if (closing) {
            return false;
        }
        if (!cancelRequested) {
            cancelledBy = requestedBy;
        }
        cancelRequested = true;
        notifyAll();
        return true;
    }

    synchronized void suspend() {
        suspend(MigrationAuditRecord.BY_API);
    }

    synchronized void suspend(String requestedBy) {
        if (!suspendRequested) {
            suspendedBy = requestedBy;
        }
        suspendRequested = true;
        notifyAll();
    }

    /** Asks a manual-cutover migration for its cutover (the caller checked that it is ready). */
    synchronized void requestCutover(String requestedBy) {
        if (cutoverRequestedBy == null) {
            cutoverRequestedBy = requestedBy;
        }
        notifyAll();
    }

    /** Who asked for the cutover, or {@code null} while nobody did. */
    synchronized String cutoverRequestedBy() {
        return cutoverRequestedBy;
    }

    synchronized String pausedBy() {
        return pausedBy;
    }

    synchronized String resumedBy() {
        return resumedBy;
    }

    synchronized String cancelledBy() {
        return cancelledBy;
    }

    synchronized String suspendedBy() {
        return suspendedBy;
    }

    /** Whether a pause is asked (the run may not have reached its safe point yet). */
    synchronized boolean pauseRequested() {
        return paused;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /** Stops the run when a cancel was asked, or a suspension before the close window. */
    synchronized void checkCancelled() {
        if (cancelRequested) {
            throw new Cancelled();
        }
        if (suspendRequested && !closing) {
            throw new Suspended();
        }
    }

    /** Before a close may be written (or found written): stop now if cancelled, else refuse cancels from here. */
    synchronized void enterClose() {
        checkCancelled();
        closing = true;
    }

    /** The close was not written: cancels are possible again, unless a close's outcome is unknown. */
    synchronized void leaveClose() {
        closing = closeMayBeWritten;
    }

    /** A close append's outcome is unknown: the migration can no longer be cancelled. */
    synchronized void closeMayBeWritten() {
        closeMayBeWritten = true;
        closing = true;
    }

    /** Whether no close of this run may have been written, so its target may be discarded. */
    synchronized boolean noCloseMayBeWritten() {
        return !closeMayBeWritten;
    }

    void holdingWriters(boolean holding) {
        holdingWriters = holding;
    }

    /** Whether the run holds the object's writers now. */
    boolean holdingWriters() {
        return holdingWriters;
    }

    /**
     * Waits while paused (not while holding writers, and not once cancelled or suspended), calling
     * {@code onPaused} on each turn (to record the pause) and {@code requireLock} every 200 ms; then checks the lock
     * and whether to stop.
     */
    synchronized void awaitUnpaused(Runnable onPaused, Runnable requireLock) {
        while (paused && !holdingWriters && !cancelRequested && !suspendRequested) {
            onPaused.run();
            try {
                wait(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(migrationId, "interrupted while paused", e);
            }
            requireLock.run();
        }
        requireLock.run();
        checkCancelled();
    }

    /** Sleeps for {@code delay}, or until a cancel, suspension or pause is asked. */
    void sleep(Duration delay) {
        sleep(delay, false);
    }

    /**
     * Sleeps for {@code delay}, or until a cancel, suspension or pause is asked, or, with {@code orCutover}, a
     * cutover. Answers whether it slept the whole delay.
     */
    boolean sleep(Duration delay, boolean orCutover) {
        if (delay.isZero()) {
            return true;
        }
        synchronized (this) {
            try {
                long until = System.nanoTime() + delay.toNanos();
                long left;
                while (!cancelRequested && !suspendRequested && !paused
                        && !(orCutover && cutoverRequestedBy != null)) {
                    left = until - System.nanoTime();
                    if (left <= 0) {
                        return true;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(migrationId, "interrupted", e);
            }
        }
    }

    /** Thrown inside the run when a suspension takes effect. */
    static final class Suspended extends RuntimeException {
        Suspended() {
            super(null, null, false, false);
        }
    }

    /** Thrown inside the run when a cancellation takes effect. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** Thrown inside the run when the routing entry ended meanwhile (cancelled, completed): it is not revived. */
    static final class NotRevived extends RuntimeException {
        final MigrationException error;

        NotRevived(MigrationException error) {
            super(null, null, false, false);
            this.error = error;
        }
    }
}
