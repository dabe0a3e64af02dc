package dev.es.autoconfigure;

import dev.es.engine.transform.NotOneToOneTransformerException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a transformer registered as a lazy upcaster that may split or drop into a start-up report with the fix. */
class EsUpcasterFailureAnalyzer extends AbstractFailureAnalyzer<NotOneToOneTransformerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NotOneToOneTransformerException cause) {
        return new FailureAnalysis("A transformer registered as a lazy upcaster (an EventUpcaster bean) is not"
                + " one-to-one: " + cause.getMessage(),
                "Give transformer " + cause.transformer() + " to a copy migration instead"
                        + " (migrations.forDocument(...).withTransformer(...)), or make the lazy one one-to-one:"
                        + " an EventUpcaster, FunctionTransformer.upcast/oneToOne, or a transformer whose"
                        + " isOneToOne() is true.", cause);
    }
}
