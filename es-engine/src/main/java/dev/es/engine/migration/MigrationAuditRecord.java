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
}
