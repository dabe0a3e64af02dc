package dev.es.engine.store.jdbc;

import dev.es.engine.EsException;
import java.util.List;

/** The es tables are not (all) there, and the schema was not to be created automatically. */
public class JdbcSchemaMissingException extends EsException {

    private final String prefix;
    private final List<String> missingTables;

    public JdbcSchemaMissingException(String prefix, List<String> missingTables) {
        super("The es schema with table prefix '" + prefix + "' is missing tables " + missingTables
                + ". Create them with JdbcSchema.initialize() (in Spring Boot: es.jdbc.initialize-schema=always), or"
                + " run the script " + JdbcSchema.POSTGRESQL_SCRIPT + " from the es-engine jar with ${prefix}"
                + " replaced by '" + prefix + "'.");
        this.prefix = prefix;
        this.missingTables = List.copyOf(missingTables);
    }

    /** The table prefix the schema was looked for with. */
    public String prefix() {
        return prefix;
    }

    /** The tables that do not exist. */
    public List<String> missingTables() {
        return missingTables;
    }
}
