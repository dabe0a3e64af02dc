package dev.es.engine.migration;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The outcome of a migration. {@code error} is {@code null} on success. */
public record MigrationResult(String migrationId, MigrationStatus status, MigrationStatistics statistics,
                              @Nullable MigrationException error, List<SkippedEvent> skippedEvents) {

    public MigrationResult {
        skippedEvents = skippedEvents == null ? List.of() : List.copyOf(skippedEvents);
    }

    public boolean isSuccess() {
        return status == MigrationStatus.COMPLETED;
    }
}
