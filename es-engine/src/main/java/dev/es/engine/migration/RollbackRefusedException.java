package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import java.util.Objects;

/**
 * A rollback refused up front: nothing was changed. The message says why and what to do; {@link #category()} says
 * whether to fix the call ({@code USAGE}: no such migration, a reverse transformer missing), wait
 * ({@code TRANSIENT}: the migration runs in another process) or look at the object again ({@code CONFLICT}: it moved
 * on since, or its cutover is unfinished).
 */
public class RollbackRefusedException extends MigrationException {

    private final ErrorCategory category;

    public RollbackRefusedException(String migrationId, String message, ErrorCategory category) {
        super(migrationId, "rollback refused, nothing was changed: " + message);
        this.category = Objects.requireNonNull(category, "category");
    }

    @Override
    public ErrorCategory category() {
        return category;
    }
}
