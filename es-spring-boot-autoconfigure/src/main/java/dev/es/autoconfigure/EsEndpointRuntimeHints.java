package dev.es.autoconfigure;

import dev.es.autoconfigure.actuate.BackupSummary;
import dev.es.autoconfigure.actuate.BulkMigrationDescriptor;
import dev.es.autoconfigure.actuate.MigrationDescriptor;
import java.util.List;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The runtime hints of what the {@code migrations} and {@code backups} endpoints answer, written as JSON by
 * reflection: Spring Boot registers an endpoint operation's declared return type, and these operations declare
 * {@code Object} or lists.
 */
final class EsEndpointRuntimeHints implements RuntimeHintsRegistrar {

    /** The records the endpoints return (their component types follow). */
    static final List<Class<?>> ENDPOINT_TYPES = List.of(MigrationDescriptor.class, BulkMigrationDescriptor.class,
            BackupSummary.class);

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
                ENDPOINT_TYPES.toArray(Class<?>[]::new));
    }
}
