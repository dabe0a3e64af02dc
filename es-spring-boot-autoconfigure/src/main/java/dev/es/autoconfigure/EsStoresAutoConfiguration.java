package dev.es.autoconfigure;

import dev.es.autoconfigure.store.EsStoreBackend;
import dev.es.autoconfigure.store.EsStoreResolver;
import dev.es.autoconfigure.store.MemoryStoreBackend;
import dev.es.engine.document.DocumentStore;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The event stores named under {@code es.stores}, and the document, tag and migration stores. */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "es.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EsProperties.class)
public final class EsStoresAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MemoryStoreBackend esMemoryStoreBackend() {
        return new MemoryStoreBackend();
    }

    @Bean
    @ConditionalOnMissingBean
    EventStreamSettings eventStreamSettings(EsProperties properties) {
        return EsSettings.streams(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    EsStoreResolver esStoreResolver(EsProperties properties, List<EsStoreBackend> backends) {
        return new EsStoreResolver(properties, backends);
    }

    @Bean
    @ConditionalOnMissingBean
    EventStoreRegistry eventStoreRegistry(EsProperties properties, EsStoreResolver resolver,
                                          EventStreamSettings settings) {
        List<EventStore> stores = new ArrayList<>();
        EsStoreResolver.effectiveStores(properties).forEach((name, config) ->
                stores.add(resolver.backend(name, config).eventStore(name, config, settings)));
        return new EventStoreRegistry(stores);
    }

    @Bean
    @ConditionalOnMissingBean
    DocumentStore documentStore(EsStoreResolver resolver) {
        String name = resolver.documentsStoreName();
        return resolver.backend(name, resolver.config(name)).documentStore(name, resolver.config(name));
    }

    @Bean
    @ConditionalOnMissingBean
    TagStore tagStore(EsStoreResolver resolver) {
        String name = resolver.documentsStoreName();
        return resolver.backend(name, resolver.config(name)).tagStore(name, resolver.config(name));
    }

    @Bean
    @ConditionalOnMissingBean
    MigrationRoutingTable migrationRoutingTable(EsStoreResolver resolver) {
        String name = resolver.documentsStoreName();
        return resolver.backend(name, resolver.config(name)).routingTable(name, resolver.config(name));
    }
}
