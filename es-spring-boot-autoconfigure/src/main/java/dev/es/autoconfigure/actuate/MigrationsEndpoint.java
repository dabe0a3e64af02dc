package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
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
 * {@code /actuator/migrations}: the active migrations, one migration by id (finished ones too, while the routing
 * table keeps them), and {@code POST /actuator/migrations/{id}/pause|resume|cancel} on migrations running in this
 * process.
 * <p>
 * Read-only by default ({@link Access#READ_ONLY}): Spring Boot maps the write operation only when the operator grants
 * it with {@code management.endpoint.migrations.access=unrestricted} (and {@code management.endpoints.access
 * .max-permitted} allows it).
 */
@Endpoint(id = "migrations", defaultAccess = Access.READ_ONLY)
public class MigrationsEndpoint {

    private final EventStreamMigrationService migrations;

    public MigrationsEndpoint(EventStreamMigrationService migrations) {
        this.migrations = migrations;
    }

    @ReadOperation
    public List<MigrationDescriptor> migrations() {
        return migrations.activeMigrations().stream().map(MigrationDescriptor::of).toList();
    }

    /** One migration; {@code null} (404) when the routing table has no such id. */
    @ReadOperation
    public MigrationDescriptor migration(@Selector String id) {
        return migrations.get(id).map(MigrationDescriptor::of).orElse(null);
    }

    /**
     * Pauses, resumes or cancels a running migration; 404 when none runs here with that id (a {@code null} result of a
     * write operation would be a 204), 400 for an unknown action.
     */
    @WriteOperation
    public WebEndpointResponse<MigrationDescriptor> control(@Selector String id, @Selector String action) {
        if (!action.equals("pause") && !action.equals("resume") && !action.equals("cancel")) {
            throw new InvalidEndpointRequestException("Unknown action '" + action + "'; use pause, resume or cancel",
                    "Unknown action");
        }
        Optional<MigrationHandle> handle = migrations.handle(id);
        if (handle.isEmpty()) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        switch (action) {
            case "pause" -> handle.get().pause();
            case "resume" -> handle.get().resume();
            default -> handle.get().cancel();
        }
        return new WebEndpointResponse<>(migration(id));
    }
}
