package dev.es.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application the actuator web tests start: auto-configuration only, no component scan (so that the nested
 * configurations of other tests in this package stay out of it).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class MigrationsEndpointTestApplication {
}
