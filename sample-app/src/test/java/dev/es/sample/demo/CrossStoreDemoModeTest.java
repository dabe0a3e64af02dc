package dev.es.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.store.jdbc.PostgresExtension;
import dev.es.engine.store.blob.AzuriteExtension;
import dev.es.sample.SampleApplication;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo profile with {@code postgres,azure}: 100 orders move live from PostgreSQL (a schema of this test's own)
 * to Azure Blob Storage (a fresh Azurite) under busy writers, and the check finds nothing lost or duplicated.
 */
class CrossStoreDemoModeTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyOrderMovesFromPostgresToBlobAndNothingIsLostOrDuplicated() throws Exception {
        String url = dev.es.engine.store.jdbc.PostgresTestDatabase.url();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
                .web(WebApplicationType.NONE)
                .profiles("postgres", "azure", "demo")
                .run("--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema="
                                + POSTGRES.schema(),
                        "--spring.cloud.azure.storage.blob.connection-string=" + AZURITE.connectionString(),
                        "--es.demo.orders=100", "--es.demo.writers=2",
                        "--es.backup.location=target/es-backups-demo")) {
            DemoReport report = app.getBean(DemoMode.class).result().get(100, TimeUnit.SECONDS);

            assertThat(report.passed()).as(report.toText()).isTrue();
            assertThat(report.lost()).isZero();
            assertThat(report.duplicated()).isZero();
            assertThat(report.sourceStore()).isEqualTo("main");
            assertThat(report.targetStore()).isEqualTo("archive");
            assertThat(report.ordersOnTarget()).isEqualTo(100);
            assertThat(report.eventsChecked()).isEqualTo(report.eventsAfter())
                    .isEqualTo(report.eventsBefore() + report.writesDuringMigration());
            assertThat(report.writesDuringMigration()).isPositive();
        }
    }
}
