package dev.es.engine.migration;

/** The status a migration reports to people: running, paused, done, and so on. */
public enum MigrationStatus {
    PENDING, IN_PROGRESS, PAUSED, VERIFYING, CUTTING_OVER, COMPLETED, FAILED, CANCELLED, ROLLING_BACK, ROLLED_BACK;

    /** Whether the migration has ended. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == ROLLED_BACK;
    }
}
