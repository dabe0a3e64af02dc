package dev.es.sample.demo;

import dev.es.engine.migration.MigrationStatus;
import java.time.Duration;
import java.util.Locale;

/**
 * What a demo run did and what its check found. {@code lost} and {@code duplicated} come from {@link HistoryCheck}:
 * every acknowledged write read back from its order's history after the run.
 *
 * @param orders                  orders created and migrated
 * @param sourceStore             the store they started in
 * @param targetStore             the store they were migrated to
 * @param eventsBefore            events in the orders' histories when the migration started (read back)
 * @param eventsAfter             events in the orders' histories after the run (read back)
 * @param writesDuringMigration   notes the writers wrote and had acknowledged; they run from just before the
 *                                migration starts (once each has written one) to its end
 * @param writerErrors            writes that failed (not acknowledged; a correct run has none)
 * @param check                   the check of every history against the acknowledged writes
 * @param ordersOnTarget          orders whose active stream is in the target store after the run
 * @param bulkStatus              how the bulk run ended
 * @param migrated                orders the bulk run migrated
 * @param failed                  orders whose migration failed
 * @param catchUpIterations       catch-up iterations of all the orders' migrations together
 * @param maxCatchUpIterations    the most catch-up iterations one order's migration needed
 * @param eventsCopied            events the migrations copied
 * @param migrationDuration       how long the bulk run took
 * @param worstWriterLatency      the slowest acknowledged write while the migration ran
 * @param worstCutoverLatency     the slowest acknowledged write to an order during its cutover: begun while its
 *                                migration was closing or cutting over (from its first {@code CLOSING} phase to its
 *                                end), or spanning the start or end of that window, or meeting its closed source;
 *                                zero if no write did
 * @param writesDuringCutover     acknowledged writes to an order during its cutover, as above
 * @param writesAcrossClose       acknowledged writes that met a closed source and followed its continuation
 */
public record DemoReport(int orders, String sourceStore, String targetStore, long eventsBefore, long eventsAfter,
                         long writesDuringMigration, long writerErrors, HistoryCheck check, long ordersOnTarget,
                         MigrationStatus bulkStatus, long migrated, long failed, long catchUpIterations,
                         int maxCatchUpIterations, long eventsCopied, Duration migrationDuration,
                         Duration worstWriterLatency, Duration worstCutoverLatency, long writesDuringCutover,
                         long writesAcrossClose) {

    /** Events the check found missing. */
    public long lost() {
        return check.lost();
    }

    /** Extra copies of events the check found. */
    public long duplicated() {
        return check.duplicated();
    }

    /** Acknowledged writes the check looked up. */
    public long eventsChecked() {
        return check.eventsChecked();
    }

    /** Events copied per second of the bulk run. */
    public double eventsPerSecond() {
        double seconds = migrationDuration.toNanos() / 1e9;
        return seconds <= 0 ? 0 : eventsCopied / seconds;
    }

    /** Whether every order moved, nothing was lost or duplicated and no writer failed. */
    public boolean passed() {
        return check.passed() && writerErrors == 0 && ordersOnTarget == orders && bulkStatus == MigrationStatus.COMPLETED;
    }

    /** The report as the console shows it. */
    public String toText() {
        return String.format(Locale.ROOT, """
                es demo report: %s
                  orders            %d migrated live from '%s' to '%s' (%d on the target, %d failed, bulk run %s)
                  events before     %d
                  events after      %d (%d notes written by the writers during the migration, %d writer errors)
                  lost              %d
                  duplicated        %d   (checked %d acknowledged writes against %d events read back)
                  catch-up          %d iterations in all, at most %d for one order
                  throughput        %d events copied in %.1f s, %.0f events/s
                  writer latency    worst %.1f ms during the migration, %s""",
                passed() ? "PASSED" : "FAILED", orders, sourceStore, targetStore, ordersOnTarget, failed, bulkStatus,
                eventsBefore, eventsAfter, writesDuringMigration, writerErrors, lost(), duplicated(),
                eventsChecked(), check.eventsRead(), catchUpIterations, maxCatchUpIterations, eventsCopied,
                migrationDuration.toMillis() / 1000.0, eventsPerSecond(), worstWriterLatency.toNanos() / 1e6,
                writesDuringCutover == 0 ? "no write landed during a cutover"
                        : String.format(Locale.ROOT, "worst %.1f ms during a cutover (%d write(s) to an order while it"
                        + " closed and cut over, %d followed a continuation)", worstCutoverLatency.toNanos() / 1e6,
                        writesDuringCutover, writesAcrossClose));
    }
}
