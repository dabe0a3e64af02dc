package dev.es.autoconfigure.aot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The event classes the application registers with its {@code EventSerializer}, for native images: Jackson writes
 * and reads them by reflection, which a native image allows only for the types it was told about. Put it on any
 * bean class (the {@code @SpringBootApplication} class, a {@code @Configuration}); at build time
 * ({@code spring-boot:process-aot}) es registers each class, its record components or properties with their types,
 * and for a sealed type every permitted subclass, for binding:
 *
 * <pre>{@code
 * @Configuration(proxyBeanMethods = false)
 * @RegisterEsEvents({OrderPlaced.class, NoteAdded.class})
 * class OrderConfiguration { ... }
 * }</pre>
 *
 * On the JVM it changes nothing. Without an application context to put it on, call
 * {@link EsEventHints#registerEventClasses} from a {@code RuntimeHintsRegistrar}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RegisterEsEvents {

    /** The event classes (or sealed event interfaces, whose permitted subclasses follow); at least one. */
    Class<?>[] value();
}
