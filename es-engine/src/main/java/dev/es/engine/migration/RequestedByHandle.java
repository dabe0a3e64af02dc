package dev.es.engine.migration;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LiveMigration}'s handle whose requests (pause, resume, cancel, cutover) are recorded in the audit trail as
 * asked by someone else than the Java API: what {@link MigrationHandle#requestedBy(String)} answers.
 */
final class RequestedByHandle implements MigrationHandle {

    private final LiveMigration migration;
    private final String requestedBy;

    RequestedByHandle(LiveMigration migration, String requestedBy) {
        this.migration = migration;
        this.requestedBy = MigrationAuditRecord.requireRequestedBy(requestedBy);
    }

    @Override
    public String migrationId() {
        return migration.migrationId();
    }

    @Override
    public MigrationProgress progress() {
        return migration.progress();
    }

    @Override
    public void pause() {
        migration.pause(requestedBy);
    }

    @Override
    public void resume() {
        migration.resume(requestedBy);
    }

    @Override
    public boolean cancel() {
        return migration.cancel(requestedBy);
    }

    @Override
    public boolean cutover() {
        return migration.cutover(requestedBy);
    }

    @Override
    public boolean isCutoverReady() {
        return migration.isCutoverReady();
    }

    @Override
    public MigrationHandle requestedBy(String who) {
        return Objects.equals(who, requestedBy) ? this : migration.requestedBy(who);
    }

    @Override
    public MigrationResult await() {
        return migration.await();
    }

    @Override
    public MigrationResult await(Duration timeout) throws TimeoutException {
        return migration.await(timeout);
    }

    @Override
    public boolean isDone() {
        return migration.isDone();
    }
}
