package dev.es.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.migration.MigrationStatus;
import dev.es.sample.SampleApplication;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Demo mode on the default (memory) stores, at 200 orders: every order migrates live to {@code archive} while four
 * writers add notes, and the check of every history says nothing was lost or duplicated.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"es.demo.enabled=true", "es.demo.orders=200", "es.demo.writers=4", "es.demo.writer-pause=1ms"})
class DemoModeTest {

    @Autowired
    private DemoMode demo;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyOrderMigratesLiveAndTheCheckFindsNothingLostOrDuplicated() throws Exception {
        DemoReport report = demo.result().get(80, TimeUnit.SECONDS);

        assertThat(report.lost()).as(report.toText()).isZero();
        assertThat(report.duplicated()).as(report.toText()).isZero();
        assertThat(report.check().firstProblems()).isEmpty();
        assertThat(report.writerErrors()).as(report.toText()).isZero();
        assertThat(report.passed()).as(report.toText()).isTrue();

        // the check really ran: every acknowledged write was looked up in a history that was read back
        assertThat(report.check().ordersChecked()).isEqualTo(200);
        assertThat(report.writesDuringMigration()).as("writers kept writing during the migration").isPositive();
        assertThat(report.eventsChecked()).isEqualTo(report.eventsBefore() + report.writesDuringMigration());
        assertThat(report.eventsAfter()).isEqualTo(report.eventsChecked());
        assertThat(report.eventsBefore()).isEqualTo(200 * 5);

        assertThat(report.sourceStore()).isEqualTo("main");
        assertThat(report.targetStore()).isEqualTo("archive");
        assertThat(report.ordersOnTarget()).isEqualTo(200);
        assertThat(report.bulkStatus()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(report.migrated()).isEqualTo(200);
        assertThat(report.catchUpIterations()).isPositive();
        assertThat(report.eventsCopied()).isGreaterThanOrEqualTo(report.eventsBefore());
        assertThat(report.eventsPerSecond()).isPositive();
        assertThat(report.worstWriterLatency()).isGreaterThan(java.time.Duration.ZERO)
                .isGreaterThanOrEqualTo(report.worstCutoverLatency());
        assertThat(report.writesDuringCutover()).isGreaterThanOrEqualTo(report.writesAcrossClose());
        assertThat(report.toText()).contains("lost              0", "duplicated        0", "PASSED");
    }
}
