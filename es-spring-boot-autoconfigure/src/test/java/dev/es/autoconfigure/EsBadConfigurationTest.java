package dev.es.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Bad input in configuration (issue 15), table-driven: each bad {@code es.*} value fails start-up, and the report
 * Spring Boot prints names the property. Wrong-typed values (text where a number, duration, boolean or one of a set
 * of values is wanted) are refused by Boot's binder; names that reach blob paths, SQL or map keys (store names, the
 * default store, the documents store) by es. Table prefixes and container names, which reach SQL and blob paths, are
 * refused the same way ({@code EsJdbcAutoConfigurationTests}, {@code EsBlobAutoConfigurationTest}).
 */
@Timeout(120)
class EsBadConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EsStoresAutoConfiguration.class,
                    EsStreamsAutoConfiguration.class, EsLocksAutoConfiguration.class,
                    EsMigrationAutoConfiguration.class, EsBackupAutoConfiguration.class));

    /** A bad value and the property the start-up failure must name. */
    private record Case(String setting, String property) {
    }

    private static final List<Case> WRONG_TYPES = List.of(
            new Case("es.streams.chunk-size=lots", "es.streams.chunk-size"),
            new Case("es.streams.chunk-size=99999999999", "es.streams.chunk-size"),
            new Case("es.streams.max-stream-continuation-retries=three", "es.streams.max-stream-continuation-retries"),
            new Case("es.streams.auto-retry-on-stream-closure=perhaps", "es.streams.auto-retry-on-stream-closure"),
            new Case("es.locks.lease-duration=forever", "es.locks.lease-duration"),
            new Case("es.locks.heartbeat-interval=10 parsecs", "es.locks.heartbeat-interval"),
            new Case("es.locks.provider=zookeeper", "es.locks.provider"),
            new Case("es.migration.close-timeout=soon", "es.migration.close-timeout"),
            new Case("es.migration.max-events-per-second=fast", "es.migration.max-events-per-second"),
            new Case("es.migration.convergence-failure=panic", "es.migration.convergence-failure"),
            new Case("es.migration.max-concurrent=1.5", "es.migration.max-concurrent"),
            new Case("es.stores.main.type=nosql", "es.stores.main.type"),
            new Case("es.stores.main.auto-provision=sometimes", "es.stores.main.auto-provision"),
            new Case("es.backup.provider=tape", "es.backup.provider"),
            new Case("es.backup.retention.max-count=all", "es.backup.retention.max-count"));

    @TestFactory
    Stream<DynamicTest> aWrongTypedValueFailsStartUpNamingTheProperty() {
        return WRONG_TYPES.stream().map(c -> DynamicTest.dynamicTest(c.setting(), () ->
                runner.withPropertyValues(c.setting()).run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    BindException bind = cause(failure, BindException.class);
                    assertThat(bind).as("a binding failure for %s: %s", c.setting(), failure).isNotNull();
                    assertThat(bind.getProperty().getName().toString()).isEqualTo(c.property());
                    FailureAnalysis analysis = FailureReports.analyze(failure);
                    assertThat(analysis.getDescription()).contains(c.property());
                })));
    }

    private static final List<Case> BAD_NAMES = List.of(
            new Case("es.default-store=../main", "es.default-store"),
            new Case("es.default-store=main store", "es.default-store"),
            new Case("es.stores.[a/b].type=memory", "es.stores"),
            new Case("es.stores.[..].type=memory", "es.stores"),
            new Case("es.documents.store=../../etc", "es.documents.store"),
            new Case("es.locks.store=x;drop", "es.locks.store"));

    @TestFactory
    Stream<DynamicTest> aNameThatWouldReachAPathOrSqlFailsStartUpNamingTheProperty() {
        return failNaming(BAD_NAMES);
    }

    private static final List<Case> OUT_OF_RANGE = List.of(
            new Case("es.streams.max-stream-continuation-retries=-1", "es.streams.max-stream-continuation-retries"),
            new Case("es.migration.catch-up-delay=-1ms", "es.migration.catch-up-delay"),
            new Case("es.migration.max-source-pause=-1s", "es.migration.max-source-pause"),
            new Case("es.migration.lock-wait=-1s", "es.migration.lock-wait"),
            new Case("es.migration.shutdown-timeout=-1s", "es.migration.shutdown-timeout"),
            new Case("es.migration.close-attempts-before-pause=-1", "es.migration.close-attempts-before-pause"),
            new Case("es.migration.max-concurrent=0", "es.migration.max-concurrent"),
            new Case("es.locks.heartbeat-interval=0s", "es.locks.heartbeat-interval"),
            new Case("es.locks.store=nowhere", "es.locks.store"),
            new Case("es.resilience.max-attempts=0", "es.resilience.max-attempts"),
            new Case("es.resilience.initial-backoff=0s", "es.resilience.initial-backoff"),
            new Case("es.resilience.max-backoff=0s", "es.resilience.max-backoff"),
            new Case("es.resilience.backoff-multiplier=0.5", "es.resilience.backoff-multiplier"),
            new Case("es.resilience.circuit-breaker.sliding-window-size=0",
                    "es.resilience.circuit-breaker.sliding-window-size"),
            new Case("es.resilience.circuit-breaker.minimum-number-of-calls=0",
                    "es.resilience.circuit-breaker.minimum-number-of-calls"),
            new Case("es.resilience.circuit-breaker.wait-in-open-state=0s",
                    "es.resilience.circuit-breaker.wait-in-open-state"));

    @TestFactory
    Stream<DynamicTest> aValueOutOfRangeFailsStartUpNamingTheProperty() {
        return failNaming(OUT_OF_RANGE);
    }

    /** Each case's setting stops start-up with es's or Spring Boot's report naming (at least) its property. */
    private Stream<DynamicTest> failNaming(List<Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.setting(), () ->
                runner.withPropertyValues(c.setting()).run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    assertThat(FailureReports.property(failure)).as("%s: %s", c.setting(), failure)
                            .startsWith(c.property());
                    assertThat(FailureReports.analyze(failure).getDescription()).contains(c.property());
                })));
    }

    @Test
    void anEnabledSwitchThatIsNeitherTrueNorFalseFailsStartUpInsteadOfLeavingEsOut() {
        for (String value : List.of("yes", "ture", "1")) {
            runner.withPropertyValues("es.enabled=" + value).run(context -> {
                assertThat(context).as(value).hasFailed();
                FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).as(value).contains("es.enabled").contains(value);
            });
        }
        runner.withPropertyValues("es.enabled=FALSE").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(EsProperties.class));
        runner.withPropertyValues("es.enabled=true").run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(EsProperties.class));
    }

    @Test
    void aStoreSettingNoStoreReadsFailsStartUpInsteadOfLeavingAMemoryStore() {
        for (String typo : List.of("es.stores.main.tpye=jdbc", "es.stores.main.table_prefx=x_",
                "es.stores.cold.b.type=blob")) {
            runner.withPropertyValues(typo).run(context -> {
                assertThat(context).as(typo).hasFailed();
                assertThat(FailureReports.property(context.getStartupFailure())).as(typo)
                        .isEqualTo(typo.substring(0, typo.indexOf('=')));
                assertThat(FailureReports.analyze(context.getStartupFailure()).getDescription()).as(typo)
                        .contains("type, container, auto-provision and table-prefix");
            });
        }
        runner.withPropertyValues("es.stores.main.type=memory", "es.stores.main.autoProvision=false",
                "es.stores.main.auto-provision=false", "es.stores.main.TABLE_PREFIX=x_", "es.stores.[a.b].type=memory")
                .run(context -> assertThat(context).hasNotFailed());
        // environment variables, in both of Spring Boot's forms (TABLE_PREFIX reaches the map as table.prefix)
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("ES_STORES_MAIN_TYPE", "memory", "ES_STORES_MAIN_TABLE_PREFIX", "x_",
                                "ES_STORES_MAIN_AUTOPROVISION", "false", "ES_STORES_MAIN_AUTO_PROVISION", "false"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(EsProperties.class).getStores().get("main").getTablePrefix())
                            .isEqualTo("x_");
                });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aContainerThatNothingUsesIsNamedInAWarning(CapturedOutput output) {
        // not a failure: a profile layered over another often leaves one behind
        runner.withPropertyValues("es.stores.main.type=memory", "es.stores.main.container=events",
                "es.backup.container=backups").run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(dev.es.engine.backup.BackupRestoreService.class);
                });
        assertThat(output).contains("es.stores.main.container (events) is set, but store 'main' is of type memory")
                .contains("es.backup.container (backups) is set, but es.backup.provider is file");
    }

    @Test
    void aBreakerThatWaitsForMoreCallsThanItsWindowHoldsFailsStartUpNamingBoth() {
        runner.withPropertyValues("es.resilience.circuit-breaker.sliding-window-size=5",
                "es.resilience.circuit-breaker.minimum-number-of-calls=10").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("es.resilience.circuit-breaker.minimum-number-of-calls")
                            .contains("es.resilience.circuit-breaker.sliding-window-size");
                });
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
