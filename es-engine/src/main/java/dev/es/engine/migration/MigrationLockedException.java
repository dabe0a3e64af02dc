package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;

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

    /** {@link ErrorCategory#TRANSIENT}: another migration of the object holds its lock; later it may not. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
