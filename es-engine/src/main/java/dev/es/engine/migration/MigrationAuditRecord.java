package dev.es.engine.migration;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change of a migration's phase or status, as its routing entry keeps it (the audit trail).
 *
 * @param at           when it changed
 * @param phase        the phase from then on
 * @param status       the status from then on
 * @param requestedBy  who asked: {@code migration} (the protocol itself), {@code api}, {@code actuator},
 *                     {@code shutdown}
 * @param fencingToken the fencing token of the lock the migration held, 0 before it had one
 * @param detail       what else is worth knowing (an error, the rollback's id), or {@code null}
 */
public record MigrationAuditRecord(Instant at, MigrationPhase phase, MigrationStatus status, String requestedBy,
                                   long fencingToken, @Nullable String detail) {

    /** Changes the protocol made on its own. */
    public static final String BY_MIGRATION = "migration";
    /** Changes a caller of the Java API asked for. */
    public static final String BY_API = "api";
    /** Changes an operator asked for through the actuator endpoint. */
    public static final String BY_ACTUATOR = "actuator";
    /** Changes the application's shutdown made. */
    public static final String BY_SHUTDOWN = "shutdown";

    public MigrationAuditRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestedBy, "requestedBy");
    }

    /** The longest {@code requestedBy} a caller may give ({@link MigrationHandle#requestedBy(String)}). */
    public static final int MAX_REQUESTED_BY_LENGTH = 100;

    /**
     * Checks a "who asked" given by a caller: not blank, at most {@value #MAX_REQUESTED_BY_LENGTH} characters.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static String requireRequestedBy(String requestedBy) {
        Objects.requireNonNull(requestedBy, "requestedBy");
        if (requestedBy.isBlank() || requestedBy.length() > MAX_REQUESTED_BY_LENGTH) {
            throw new IllegalArgumentException("requestedBy must be 1 to " + MAX_REQUESTED_BY_LENGTH
                    + " characters and not blank, was '" + requestedBy + "'");
        }
        return requestedBy;
    }
}
