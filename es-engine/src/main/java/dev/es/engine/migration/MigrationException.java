package dev.es.engine.migration;

import dev.es.engine.EsException;

/** A migration that could not finish; the cause says why. The source is never left half-closed. */
public class MigrationException extends EsException {

    private final String migrationId;

    public MigrationException(String migrationId, String message, Throwable cause) {
        super("Migration " + migrationId + ": " + message, cause);
        this.migrationId = migrationId;
    }

    public MigrationException(String migrationId, String message) {
        this(migrationId, message, null);
    }

    public String migrationId() {
        return migrationId;
    }
}
