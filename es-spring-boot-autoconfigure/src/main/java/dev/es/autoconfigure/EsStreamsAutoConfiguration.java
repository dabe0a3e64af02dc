package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStreamListener;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.tag.TagStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** {@link EventStreams} for writers and readers, and the {@link EventSerializer} on the application's Jackson 3 mapper. */
@AutoConfiguration(after = EsStoresAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "es.enabled", matchIfMissing = true)
public final class EsStreamsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventSerializer eventSerializer(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfAvailable();
        return mapper == null ? new EventSerializer() : new EventSerializer(mapper);
    }

    @Bean
    @ConditionalOnMissingBean
    EventStreams eventStreams(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                              EventStreamSettings settings, EsProperties properties,
                              ObjectProvider<EventStreamListener> listeners) {
        EventStreamListener listener = Listeners.streams(listeners.orderedStream().toList());
        return new EventStreams(stores, documents, tags, settings, properties.getDefaultStore(), listener);
    }
}
