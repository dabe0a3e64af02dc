package dev.es.engine.transform;

import dev.es.engine.ErrorCategory;
import dev.es.engine.EsException;

/**
 * A transformer registered as a lazy upcaster that may split or drop events: lazy upcasting maps one event to
 * exactly one, so that versions and expected versions stay as stored. Use a copy migration for it instead.
 */
public final class NotOneToOneTransformerException extends EsException {

    private final String transformer;

    public NotOneToOneTransformerException(EventTransformer transformer) {
        super("Transformer " + transformer + " (" + transformer.getClass().getName() + ") cannot be registered as a"
                + " lazy upcaster: it is not one-to-one (it may split or drop events). Lazy upcasting must map each"
                + " event to exactly one so that versions stay as stored; run a COPY_AND_TRANSFORM migration with it"
                + " instead, or use FunctionTransformer.upcast/oneToOne or an EventUpcaster");
        this.transformer = transformer.toString();
    }

    /** The refused transformer, as its {@code toString()} names it. */
    public String transformer() {
        return transformer;
    }

    /** {@link ErrorCategory#USAGE}: the registration is wrong. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.USAGE;
    }
}
