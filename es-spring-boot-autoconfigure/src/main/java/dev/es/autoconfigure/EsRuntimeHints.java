package dev.es.autoconfigure;

import dev.es.engine.document.ObjectDocument;
import dev.es.engine.migration.MigrationAuditRecord;
import dev.es.engine.migration.MigrationEntry;
import dev.es.engine.migration.RollbackSupport;
import java.util.List;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * The runtime hints of es's own types, for native images: the engine records that stores read and write with
 * Jackson by reflection (object documents in a blob document store, migration routing entries in a blob or
 * PostgreSQL routing table, their audit records and rollback support, with every type they hold), and
 * {@link EsProperties} with its nested types for binding. The user's event classes are registered with
 * {@link dev.es.autoconfigure.aot.RegisterEsEvents @RegisterEsEvents}; the PostgreSQL schema script by
 * {@link EsJdbcSchemaScript}; the actuator endpoints' output by {@link EsEndpointRuntimeHints}.
 */
final class EsRuntimeHints implements RuntimeHintsRegistrar {

    /** The engine types bound by Jackson through reflection (their component types follow). */
    static final List<Class<?>> ENGINE_JSON_TYPES = List.of(ObjectDocument.class, MigrationEntry.class,
            MigrationAuditRecord.class, RollbackSupport.class);

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
                ENGINE_JSON_TYPES.toArray(Class<?>[]::new));
        BindableRuntimeHintsRegistrar.forTypes(EsProperties.class).registerHints(hints, classLoader);
    }
}
