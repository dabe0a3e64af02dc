package dev.es.engine.migration;

/** Another migration of the same object holds its lock; this one was refused and changed nothing. */
public class MigrationLockedException extends MigrationException {

    private final String lockKey;

    public MigrationLockedException(String migrationId, String lockKey, Throwable cause) {
        super(migrationId, "another migration holds lock '" + lockKey + "'; refused without changing anything",
                cause);
        this.lockKey = lockKey;
    }

    public String lockKey() {
        return lockKey;
    }
}
