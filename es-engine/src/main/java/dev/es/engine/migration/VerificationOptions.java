package dev.es.engine.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a migration verifies its target before the close ({@link MigrationBuilder#withVerification}): a
 * {@link VerificationLevel} ({@link VerificationLevel#HASH} unless set) and any number of named checks of your own.
 * A mismatch fails the migration before the close, the source untouched and writable.
 */
public final class VerificationOptions {

    VerificationLevel level = VerificationLevel.HASH;
    final List<VerificationSpec.Check> checks = new ArrayList<>();

    VerificationOptions() {
    }

    /** How thoroughly to compare; {@link VerificationLevel#HASH} by default. */
    public VerificationOptions level(VerificationLevel value) {
        level = Objects.requireNonNull(value, "level");
        return this;
    }

    /**
     * Adds a check of your own, run on every event pair verified; a mismatch it reports names it. Checks make the
     * verification read the source again for the range it verifies.
     */
    public VerificationOptions check(String name, VerificationCheck check) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a verification check needs a name");
        }
        if (checks.stream().anyMatch(c -> c.name().equals(name))) {
            throw new IllegalArgumentException("a verification check named '" + name + "' is already there");
        }
        checks.add(new VerificationSpec.Check(name, Objects.requireNonNull(check, "check")));
        return this;
    }

    /** Adds a check named {@code check-<n>} (its place among the checks, from 1). */
    public VerificationOptions check(VerificationCheck check) {
        return check("check-" + (checks.size() + 1), check);
    }

    /** These options as they stand now. */
    VerificationSpec snapshot() {
        return new VerificationSpec(level, checks);
    }
}
