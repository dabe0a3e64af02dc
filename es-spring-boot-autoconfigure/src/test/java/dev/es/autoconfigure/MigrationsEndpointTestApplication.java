package dev.es.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application the actuator web tests start: auto-configuration only, no component scan (so that the nested
 * configurations of other tests in this package stay out of it).
 */
@SpringBootConfiguration
// no database in this test; spring-boot-starter-jdbc is on the test classpath for the jdbc tests
@EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
class MigrationsEndpointTestApplication {
}
