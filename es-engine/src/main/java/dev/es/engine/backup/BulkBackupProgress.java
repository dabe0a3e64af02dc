package dev.es.engine.backup;

import org.jspecify.annotations.Nullable;

/**
 * Where a bulk backup stands, handed to its progress callback after every object.
 *
 * @param done           objects backed up
 * @param failed         objects whose backup failed
 * @param remaining      objects not yet backed up, when the selection's size is known, else {@code null}
 * @param events         events backed up so far
 * @param eventsPerSecond events backed up per second since the start
 */
public record BulkBackupProgress(long done, long failed, @Nullable Long remaining, long events,
                                 double eventsPerSecond) {
}
