package dev.es.engine.migration;

/** A snapshot of a running migration. */
public record MigrationProgress(String migrationId, MigrationPhase phase, MigrationStatus status, long eventsCopied,
                                long eventsBehind, int catchUpIterations) {
}
