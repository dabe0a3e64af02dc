package dev.es.engine.migration;

/**
 * The status a migration reports to people: running, paused, done, and so on. {@code AWAITING_CUTOVER}: a migration
 * with a manual cutover ({@link MigrationBuilder#withManualCutover()}) has caught up and keeps the target in sync
 * until someone asks for the cutover.
 */
public enum MigrationStatus {
    PENDING, IN_PROGRESS, PAUSED, VERIFYING, CUTTING_OVER, COMPLETED, FAILED, CANCELLED, ROLLING_BACK, ROLLED_BACK,
    AWAITING_CUTOVER;

    /** Whether the migration has ended. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == ROLLED_BACK;
    }
}
