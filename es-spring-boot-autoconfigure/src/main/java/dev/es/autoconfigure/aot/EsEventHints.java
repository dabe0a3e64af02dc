package dev.es.autoconfigure.aot;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;

/**
 * Registers event classes for Jackson binding in a native image, as {@link RegisterEsEvents @RegisterEsEvents}
 * does: each class with its record components or properties and their types, and for a sealed class or interface
 * every permitted subclass (recursively). For a {@code RuntimeHintsRegistrar} of the application's own:
 *
 * <pre>{@code
 * class OrderHints implements RuntimeHintsRegistrar {
 *     public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
 *         EsEventHints.registerEventClasses(hints, OrderEvent.class); // a sealed interface
 *     }
 * }
 * }</pre>
 */
public final class EsEventHints {

    private EsEventHints() {
    }

    /**
     * Registers {@code eventClasses} (and the permitted subclasses of sealed ones) for binding.
     *
     * @return the classes registered, sealed types expanded, in order
     */
    public static Set<Class<?>> registerEventClasses(RuntimeHints hints, Class<?>... eventClasses) {
        Objects.requireNonNull(hints, "hints");
        Objects.requireNonNull(eventClasses, "eventClasses");
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> eventClass : eventClasses) {
            expand(Objects.requireNonNull(eventClass, "an event class"), all);
        }
        new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
                all.toArray(Class<?>[]::new));
        return all;
    }

    private static void expand(Class<?> type, Set<Class<?>> into) {
        if (!into.add(type)) {
            return;
        }
        Class<?>[] permitted = type.getPermittedSubclasses();
        if (permitted != null) {
            for (Class<?> subclass : permitted) {
                expand(subclass, into);
            }
        }
    }
}
