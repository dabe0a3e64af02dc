package dev.es.sample.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * One migration as the dashboard's live view shows it, sent as the {@code progress} event of the dashboard's event
 * stream.
 *
 * @param migrationId     the migration's id
 * @param bulkRunId       the bulk run it belongs to, or {@code null} for a migration of one order
 * @param orderId         the order it moves
 * @param phase           the engine's phase ({@code CATCH_UP}, {@code CLOSING}, {@code CUTOVER},
 *                        {@code BOOK_CLOSED}, {@code FAILED}, {@code ROLLED_BACK}, ...)
 * @param status          the engine's status ({@code IN_PROGRESS}, {@code PAUSED}, {@code COMPLETED}, ...)
 * @param sourceStore     the store of the source stream
 * @param sourceStream    the source stream
 * @param sourceVersion   the source stream's version now, read from its store (its close event included once closed)
 * @param targetStore     the store of the target stream
 * @param targetStream    the target stream
 * @param targetVersion   the target stream's version now, read from its store
 * @param eventsCopied    source events whose copy is on the target, counted by the engine's per-event callback
 * @param eventsBehind    source events not on the target yet: the source version less the last copied source event's
 *                        version while the copy runs, 0 once the source is closed
 * @param eventsPerSecond events copied per second since the migration started (over one second at least)
 * @param catchUpIterations catch-up iterations so far
 * @param cutoverReady    whether a manual cutover would be taken now
 * @param error           why it failed, or {@code null}
 */
public record MigrationView(String migrationId, @Nullable String bulkRunId, String orderId, String phase,
                            String status, String sourceStore, String sourceStream, long sourceVersion,
                            String targetStore, String targetStream, long targetVersion, long eventsCopied,
                            long eventsBehind, double eventsPerSecond, int catchUpIterations, boolean cutoverReady,
                            @Nullable String error) {
}
