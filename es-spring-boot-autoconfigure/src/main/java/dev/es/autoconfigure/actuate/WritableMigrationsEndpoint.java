package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationHandle;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code migrations} endpoint with write operations: {@code POST /actuator/migrations/{id}/pause|resume|cancel}
 * on migrations running in this process. Only when {@code es.actuator.migrations.write-enabled=true}.
 */
@Endpoint(id = "migrations")
public class WritableMigrationsEndpoint extends MigrationsEndpoint {

    public WritableMigrationsEndpoint(EventStreamMigrationService migrations) {
        super(migrations);
    }

    /** Pauses, resumes or cancels a running migration; {@code null} (404) when none runs here with that id. */
    @WriteOperation
    public MigrationDescriptor control(@Selector String id, @Selector String action) {
        Optional<MigrationHandle> handle = migrations.handle(id);
        if (handle.isEmpty()) {
            return null;
        }
        switch (action) {
            case "pause" -> handle.get().pause();
            case "resume" -> handle.get().resume();
            case "cancel" -> handle.get().cancel();
            default -> throw new IllegalArgumentException("Unknown action '" + action
                    + "'; use pause, resume or cancel");
        }
        return migration(id);
    }
}
