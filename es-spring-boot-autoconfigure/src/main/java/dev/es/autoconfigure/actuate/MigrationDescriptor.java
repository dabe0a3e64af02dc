package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.MigrationEntry;
import java.time.Instant;

/** One migration as the {@code migrations} endpoint shows it; never any event payload. */
public record MigrationDescriptor(String id, String objectName, String objectId, String sourceStream,
                                 String sourceStore, String targetStream, String targetStore, String phase,
                                 String status, long eventsCopied, long eventsBehind, Instant startedAt,
                                 Instant updatedAt, String error) {

    static MigrationDescriptor of(MigrationEntry e) {
        return new MigrationDescriptor(e.migrationId(), e.objectName(), e.objectId(), e.source().streamId(),
                e.source().store(), e.target().streamId(), e.target().store(), e.phase().name(), e.status().name(),
                e.eventsCopied(), e.eventsBehind(), e.startedAt(), e.updatedAt(), e.error());
    }
}
