package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.migration.MigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.tag.TagStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;

/**
 * The event stores named under {@code es.stores}, and the document, tag and migration stores; with the runtime hints
 * of the types they and {@link EsProperties} bind by reflection ({@link EsRuntimeHints}).
 */
@AutoConfiguration
@ConditionalOnEsEnabled
@EnableConfigurationProperties(EsProperties.class)
@ImportRuntimeHints(EsRuntimeHints.class)
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
    EsStoreResolver esStoreResolver(EsProperties properties, List<EsStoreBackend> backends,
                                    List<MissingBackend> missing, Environment environment) {
        EsSettings.checkStoreKeys(environment);
        EsSettings.warnUnusedContainers(properties);
        return new EsStoreResolver(EsSettings.stores(properties), backends, missing);
    }

    @Bean
    @ConditionalOnMissingBean
    EventStoreRegistry eventStoreRegistry(EsStoreResolver resolver, EventStreamSettings settings) {
        List<EventStore> stores = new ArrayList<>();
        resolver.stores().stores().values().forEach(store ->
                stores.add(resolver.backend(store).eventStore(store, settings)));
        return new EventStoreRegistry(stores);
    }

    @Bean
    @ConditionalOnMissingBean
    DocumentStore documentStore(EsStoreResolver resolver) {
        StoreSettings store = resolver.documentsStore();
        return resolver.backend(store).documentStore(store);
    }

    @Bean
    @ConditionalOnMissingBean
    TagStore tagStore(EsStoreResolver resolver) {
        StoreSettings store = resolver.documentsStore();
        return resolver.backend(store).tagStore(store);
    }

    @Bean
    @ConditionalOnMissingBean
    MigrationRoutingTable migrationRoutingTable(EsStoreResolver resolver) {
        StoreSettings store = resolver.documentsStore();
        return resolver.backend(store).routingTable(store);
    }
}
