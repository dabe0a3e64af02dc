package dev.es.autoconfigure;

import dev.es.engine.store.jdbc.JdbcSchema;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/** The engine's schema script as a runtime hint, so that a native image keeps it. */
final class EsJdbcSchemaScript implements RuntimeHintsRegistrar {

    /** The script's path in the es-engine jar. */
    static final String PATH = JdbcSchema.POSTGRESQL_SCRIPT.substring(1);

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        hints.resources().registerPattern(PATH);
    }
}
