package dev.es.autoconfigure;

import java.util.List;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

/** The report Spring Boot prints for a start-up failure: the first analysis of the registered failure analyzers. */
final class FailureReports {

    private FailureReports() {
    }

    static FailureAnalysis analyze(Throwable failure) {
        ClassLoader classLoader = FailureReports.class.getClassLoader();
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(classLoader).load(
                FailureAnalyzer.class,
                ArgumentResolver.of(org.springframework.core.env.Environment.class, new StandardEnvironment()),
                FailureHandler.handleMessage((message, e) -> { })); // analyzers needing a bean factory are left out
        for (FailureAnalyzer analyzer : analyzers) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis;
            }
        }
        throw new AssertionError("No failure analyzer reports " + failure);
    }

    /**
     * The property a start-up failure names: an {@link EsConfigurationException}'s (cross-property problems) or an
     * {@link InvalidConfigurationPropertyValueException}'s (a value wrong on its own); {@code null} if neither is a
     * cause.
     */
    static String property(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EsConfigurationException e) {
                return e.property();
            }
            if (t instanceof InvalidConfigurationPropertyValueException e) {
                return e.getName();
            }
        }
        return null;
    }
}
