package dev.es.autoconfigure.actuate;

import dev.es.engine.migration.EventStreamMigrationService;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/migrations}: the active migrations, and one migration by id (finished ones too, while the
 * routing table keeps them). Read-only; {@link WritableMigrationsEndpoint} adds pause, resume and cancel.
 */
@Endpoint(id = "migrations")
public class MigrationsEndpoint {

    protected final EventStreamMigrationService migrations;

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
}
