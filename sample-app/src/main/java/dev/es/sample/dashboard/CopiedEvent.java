package dev.es.sample.dashboard;

import java.time.Instant;

/**
 * One event a migration copied, as the engine's {@code onEventCopied} callback reports it once the copy is on the
 * target: the {@code copied} event of the dashboard's event stream (the per-event copy feed).
 *
 * @param migrationId   the migration, or {@code "-"} before the engine reported its id
 * @param orderId       the order
 * @param sourceVersion the event's version in the source stream
 * @param type          the event's type
 * @param eventId       the event's id (a copy keeps it)
 * @param targetStore   where the copy went
 * @param targetStream  the target stream
 * @param at            when the callback ran
 */
public record CopiedEvent(String migrationId, String orderId, long sourceVersion, String type, String eventId,
                          String targetStore, String targetStream, Instant at) {
}
