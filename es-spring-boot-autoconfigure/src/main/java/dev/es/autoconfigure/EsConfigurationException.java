package dev.es.autoconfigure;

/** A bad es configuration found at start-up; names the property and the fix. */
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
