package dev.es.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad es configuration into a start-up report that names the property and the fix. */
class EsConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<EsConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EsConfigurationException cause) {
        return new FailureAnalysis("Invalid es configuration in property '" + cause.property() + "': "
                + cause.getMessage(), cause.action(), cause);
    }
}
