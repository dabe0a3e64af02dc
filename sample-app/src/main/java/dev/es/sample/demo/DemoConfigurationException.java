package dev.es.sample.demo;

import org.jspecify.annotations.Nullable;

/** A demo-mode property with a value the demo cannot run with; names the property, the value and why. */
public class DemoConfigurationException extends RuntimeException {

    private final String property;
    private final transient @Nullable Object value;

    public DemoConfigurationException(String property, @Nullable Object value, String reason) {
        super("Invalid demo configuration: " + property + " is " + value + ", " + reason);
        this.property = property;
        this.value = value;
    }

    /** The property, for example {@code es.demo.orders}. */
    public String property() {
        return property;
    }

    /** The value it had. */
    public @Nullable Object value() {
        return value;
    }
}
