package dev.es.engine.migration;

import java.util.List;
import java.util.Objects;

/**
 * A migration's verification as its definition fixes it (see {@link VerificationOptions}).
 *
 * @param level  how thoroughly
 * @param checks the caller's own checks, in the order given
 */
record VerificationSpec(VerificationLevel level, List<Check> checks) {

    VerificationSpec {
        Objects.requireNonNull(level, "level");
        checks = List.copyOf(checks);
    }

    /** One named check of the caller's. */
    record Check(String name, VerificationCheck check) {
    }
}
