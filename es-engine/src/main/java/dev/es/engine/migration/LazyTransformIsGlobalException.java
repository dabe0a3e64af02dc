package dev.es.engine.migration;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;
import dev.es.engine.transform.UpcasterChain;

/**
 * A per-object migration was asked to run with {@link MigrationStrategy#LAZY_TRANSFORM}: lazy upcasting is not
 * something a migration of one object does; it is registered once, for every reader, on {@code EventStreams}. The
 * message says which upcasters are registered now. Nothing was read, written or locked.
 */
public final class LazyTransformIsGlobalException extends EsException {

    private final String objectName;
    private final String objectId;
    private final int registeredUpcasters;

    public LazyTransformIsGlobalException(String objectName, String objectId, UpcasterChain registered) {
        super("LAZY_TRANSFORM for " + objectName + "/" + objectId + " is not a per-object migration: lazy upcasters"
                + " are registered once on EventStreams (in Spring: EventUpcaster beans) and apply on every read,"
                + " with nothing copied. Registered now: " + (registered.isEmpty() ? "none" : registered.upcasters())
                + ". To bake an upcast into the stored events, run this migration with COPY_AND_TRANSFORM");
        this.objectName = objectName;
        this.objectId = objectId;
        this.registeredUpcasters = registered.upcasters().size();
    }

    public String objectName() {
        return objectName;
    }

    public String objectId() {
        return objectId;
    }

    /** How many lazy upcasters {@code EventStreams} had when the migration was refused. */
    public int registeredUpcasters() {
        return registeredUpcasters;
    }

    /** {@link ErrorCategory#USAGE}: the request is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
