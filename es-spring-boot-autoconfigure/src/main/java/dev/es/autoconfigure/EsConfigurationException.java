package dev.es.autoconfigure;

/**
 * A bad es configuration found at start-up that no single value's check can see: a property that conflicts with
 * another one, or with what the application provides (a missing {@code DataSource}, missing tables). Names the
 * property and the fix; {@code EsConfigurationFailureAnalyzer} turns it into the start-up report. A value wrong on
 * its own is reported through Spring Boot's {@code InvalidConfigurationPropertyValueException} instead.
 */
public class EsConfigurationException extends RuntimeException {

    private final String property;
    private final String action;

    public EsConfigurationException(String property, String description, String action) {
        super(description);
        this.property = property;
        this.action = action;
    }

    /** The property that is wrong, for example {@code es.default-store}. */
    public String property() {
        return property;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
