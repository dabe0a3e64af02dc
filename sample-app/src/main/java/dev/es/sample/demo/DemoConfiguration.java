package dev.es.sample.demo;

import dev.es.engine.event.EventSerializer;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.stream.EventStreams;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo mode, run with {@code es.demo.enabled=true} (the {@code demo} profile sets it). The bean is always there
 * and reads the switch when the application is ready, not through a condition: an AOT-processed application
 * evaluates conditions at build time, and the demo must still be switchable when it starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoProperties.class)
class DemoConfiguration {

    @Bean
    DemoMode demoMode(DemoProperties properties, EventStreams streams, EventStreamMigrationService migrations,
                      EventSerializer serializer) {
        return new DemoMode(properties, streams, migrations, serializer);
    }
}
