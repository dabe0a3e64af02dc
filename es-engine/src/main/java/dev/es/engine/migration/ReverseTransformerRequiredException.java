package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import org.jspecify.annotations.Nullable;

/**
 * A rollback after the cutover of a migration that transformed events (or of which it is not known whether it did)
 * was asked without a reverse transformer: the object's events would come back in their migrated form. Call
 * {@code rollback(migrationId, reverseTransformer)} with a transformer that turns the migrated events back into
 * their original form ({@code EventTransformer.identity()} when the migration did not transform them). Nothing was
 * changed.
 */
public class ReverseTransformerRequiredException extends RollbackRefusedException {

    private final @Nullable String transformer;

    public ReverseTransformerRequiredException(String migrationId, String message, @Nullable String transformer) {
        super(migrationId, message, ErrorCategory.USAGE);
        this.transformer = transformer;
    }

    /** The class name of the transformer the migration used, when known. */
    public @Nullable String transformer() {
        return transformer;
    }
}
