package dev.es.engine.store.jdbc;

import dev.es.engine.InvalidIdentifierException;

/** A configured table prefix that is not a plain lower-case SQL name; refused so configuration cannot inject SQL. */
public class InvalidTablePrefixException extends InvalidIdentifierException {

    public InvalidTablePrefixException(String prefix) {
        super("table prefix", prefix, "must match " + JdbcTables.PREFIX_PATTERN
                + " (a lower-case letter, then up to 30 lower-case letters, digits or '_'), for example 'es_'");
    }
}
