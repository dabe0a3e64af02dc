package dev.es.sample;

import dev.es.autoconfigure.aot.RegisterEsEvents;
import org.springframework.context.annotation.Configuration;

/**
 * The order events, registered for reflection in a native image (Jackson writes and reads them by reflection); the
 * same classes {@link OrderConfiguration} registers with the {@code EventSerializer}. See {@code docs/native.md}.
 */
@Configuration(proxyBeanMethods = false)
@RegisterEsEvents({OrderPlaced.class, NoteAdded.class})
class OrderEventHints {
}
