package dev.es.engine.migration;

import java.util.Objects;

/**
 * A migration's verification found the target different from its source as transformed, before the close: the
 * migration failed with the source untouched and writable, no close written. The target is left as it is, for
 * inspection; {@link #mismatch()} names the first difference.
 */
public class MigrationVerificationException extends MigrationException {

    private final transient VerificationResult result;

    /** The failure of {@code migrationId}'s verification {@code result}, which holds a mismatch. */
    public MigrationVerificationException(String migrationId, VerificationResult result) {
        super(migrationId, "verification (" + result.level() + ") found the target different from the source as"
                + " transformed, so nothing was closed and the source stays open and writable: "
                + Objects.requireNonNull(result.firstMismatch(), "firstMismatch").describe());
        this.result = result;
    }

    /** The verification that failed. */
    public VerificationResult result() {
        return result;
    }

    /** The first difference found. */
    public VerificationMismatch mismatch() {
        return Objects.requireNonNull(result.firstMismatch());
    }
}
