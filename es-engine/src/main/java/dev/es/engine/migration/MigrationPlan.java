package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import java.time.Duration;

/**
 * What a migration would do, measured on the source without writing anything.
 *
 * @param sourceEvents           business events in the source (close events left out)
 * @param sourceBytes            their payload and metadata size, in UTF-8 bytes
 * @param eventsToTransform      events the transformer would change
 * @param measuredReadsPerSecond source events read per second while measuring
 * @param estimatedDuration      the measured read time, doubled for the writes to the target
 */
public record MigrationPlan(String objectName, String objectId, StreamPointer source, StreamPointer target,
                            long sourceEvents, long sourceBytes, long eventsToTransform, double measuredReadsPerSecond,
                            Duration estimatedDuration, boolean sourceAlreadyClosed) {
}
