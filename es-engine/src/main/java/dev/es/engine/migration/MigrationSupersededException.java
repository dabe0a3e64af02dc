package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import dev.es.engine.document.StreamPointer;
import org.jspecify.annotations.Nullable;

/**
 * A migration that was told which active stream its object must have (a bulk run's guard) found another one once it
 * held the object's lock: another run migrated the object meanwhile. It ended without changing anything.
 */
public class MigrationSupersededException extends MigrationException {

    private final StreamPointer expected;
    private final @Nullable StreamPointer actual;

    public MigrationSupersededException(String migrationId, StreamPointer expected, @Nullable StreamPointer actual) {
        super(migrationId, "the object's active stream is now " + actual + ", not " + expected
                + " (migrated meanwhile by another run); nothing was changed");
        this.expected = expected;
        this.actual = actual;
    }

    /** The active stream the migration expected. */
    public StreamPointer expected() {
        return expected;
    }

    /** The active stream found under the lock, or {@code null} when the document is gone. */
    public @Nullable StreamPointer actual() {
        return actual;
    }

    /** {@link ErrorCategory#TRANSIENT}: looked at again, the object may need no migration at all. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.TRANSIENT;
    }
}
