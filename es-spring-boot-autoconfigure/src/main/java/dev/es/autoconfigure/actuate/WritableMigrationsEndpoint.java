package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code migrations} endpoint with write operations: {@code POST /actuator/migrations/{id}/pause|resume|cancel}
 * on migrations running in this process. Only when {@code es.actuator.migrations.write-enabled=true}.
 */
@Endpoint(id = "migrations")
public class WritableMigrationsEndpoint extends MigrationsEndpoint {

    public WritableMigrationsEndpoint(EventStreamMigrationService migrations) {
        super(migrations);
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
