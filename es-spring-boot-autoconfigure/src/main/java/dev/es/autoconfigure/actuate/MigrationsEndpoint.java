package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.BulkMigrationHandle;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.MigrationHandle;
import dev.es.engine.migration.MigrationStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/migrations}: the active migrations, one migration by id with its audit trail (finished ones too,
 * while the routing table keeps them), and {@code POST /actuator/migrations/{id}/pause|resume|cancel|cutover} on
 * migrations running in this process, recorded in their audit trail as asked by
 * {@link MigrationAuditRecord#BY_ACTUATOR}. A bulk run running in this process is shown and paused, resumed or
 * cancelled by its bulk run id on the same paths.
 * <p>
 * Read-only by default ({@link Access#READ_ONLY}): Spring Boot maps the write operation only when the operator grants
 * it with {@code management.endpoint.migrations.access=unrestricted} (and {@code management.endpoints.access
 * .max-permitted} allows it).
 */
@Endpoint(id = "migrations", defaultAccess = Access.READ_ONLY)
public class MigrationsEndpoint {

    /** The answer to a cutover that is not taken (the migration does not wait for one, or is too far behind). */
    static final int STATUS_CONFLICT = 409;

    private final EventStreamMigrationService migrations;

    public MigrationsEndpoint(EventStreamMigrationService migrations) {
        this.migrations = migrations;
    }

    /**
     * The active migrations, then the bulk runs running in this process with their counts (elements with
     * {@code "kind": "bulk"}, {@link BulkMigrationDescriptor}).
     */
    @ReadOperation
    public List<Object> migrations() {
        List<Object> all = new ArrayList<>();
        migrations.activeMigrations().forEach(e -> all.add(MigrationDescriptor.of(e, cutoverReady(e), false)));
        migrations.runningBulkMigrations().stream().filter(h -> !h.isDone())
                .forEach(h -> all.add(BulkMigrationDescriptor.of(h)));
        return all;
    }

    /**
     * One migration with its audit trail, or a bulk run running in this process with its counts
     * ({@link BulkMigrationDescriptor}); {@code null} (404) when neither has that id.
     */
    @ReadOperation
    public Object migration(@Selector String id) {
        Optional<MigrationDescriptor> single = single(id);
        if (single.isPresent()) {
            return single.get();
        }
        return migrations.bulkHandle(id).map(BulkMigrationDescriptor::of).orElse(null);
    }

    private Optional<MigrationDescriptor> single(String id) {
        return migrations.get(id).map(e -> MigrationDescriptor.of(e, cutoverReady(e), true));
    }

    /**
     * Pauses, resumes, cancels or cuts over a running migration; 404 when none runs here with that id (a {@code null}
     * result of a write operation would be a 204), 400 for an unknown action. A cutover that is not taken (the
     * migration has no manual cutover, has not caught up, is more than its {@code cutoverMaxLag} behind, or is paused)
     * answers 409 with the migration as it stands. A bulk run running here is paused, resumed or cancelled by its
     * {@code bulkRunId} the same way (a cutover of a bulk run answers 400).
     */
    @WriteOperation
    public WebEndpointResponse<Object> control(@Selector String id, @Selector String action) {
        if (!action.equals("pause") && !action.equals("resume") && !action.equals("cancel")
                && !action.equals("cutover")) {
            throw new InvalidEndpointRequestException("Unknown action '" + action
                    + "'; use pause, resume, cancel or cutover", "Unknown action");
        }
        Optional<MigrationHandle> found = migrations.handle(id);
        if (found.isEmpty()) {
            return controlBulk(id, action);
        }
        MigrationHandle handle = found.get().requestedBy(MigrationAuditRecord.BY_ACTUATOR);
        switch (action) {
            case "pause" -> handle.pause();
            case "resume" -> handle.resume();
            case "cutover" -> {
                if (!handle.cutover()) {
                    return new WebEndpointResponse<>(single(id).orElse(null), STATUS_CONFLICT);
                }
            }
            default -> handle.cancel();
        }
        return new WebEndpointResponse<>(single(id).orElse(null));
    }

    private WebEndpointResponse<Object> controlBulk(String bulkRunId, String action) {
        Optional<BulkMigrationHandle> bulk = migrations.bulkHandle(bulkRunId);
        if (bulk.isEmpty()) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        BulkMigrationHandle handle = bulk.get();
        switch (action) {
            case "pause" -> handle.pause();
            case "resume" -> handle.resume();
            case "cancel" -> handle.cancel();
            default -> throw new InvalidEndpointRequestException("A bulk run has no cutover; use pause, resume or"
                    + " cancel", "No cutover for a bulk run");
        }
        return new WebEndpointResponse<>(BulkMigrationDescriptor.of(handle));
    }

    /** Whether a cutover would be taken now; {@code null} unless the migration waits for one in this process. */
    private Boolean cutoverReady(MigrationEntry entry) {
        if (entry.status() != MigrationStatus.AWAITING_CUTOVER) {
            return null;
        }
        return migrations.handle(entry.migrationId()).map(MigrationHandle::isCutoverReady).orElse(null);
    }
}
